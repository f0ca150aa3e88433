export const USAGE = `Uso: gsih <orden> [opciones]

Órdenes:
  serve [--api-host H] [--api-port P] [--ui-port P] [--no-ui]
                                           Ejecuta el núcleo sin ventana: la API externa (por
                                           defecto 0.0.0.0:8787, o lo que diga Ajustes) y la
                                           interfaz en 127.0.0.1; una línea por cada escucha.
                                           Puerto 0: uno libre.
  status [--json]                          Estado del directorio de datos y de la base de datos.
  movimientos list [--estado E] [--pagina N] [--json]
                                           Lista movimientos (E: PENDIENTE, APROBADO, RECHAZADO).
  movimientos aprobar ID [--json]          Aprueba un movimiento pendiente (cambia el stock).
  movimientos rechazar ID [--motivo M] [--json]
                                           Rechaza un movimiento pendiente.
  keys create --nombre N --sistema S [--scopes a,b] [--dias N] [--limite-hora N] [--json]
                                           Crea una clave de la API externa y la muestra una
                                           sola vez (por defecto, solo permisos de lectura).
  keys list [--json]                       Lista las claves (nunca la clave completa).
  keys revoke ID                           Revoca una clave: la próxima petición recibe 401.

Opciones comunes:
  --data-dir DIR   Directorio de datos (o GSIH_DATA_DIR; por defecto, el de la aplicación).
  --json           Salida en JSON donde la orden imprime datos.
  -h, --help       Esta ayuda.

Códigos de salida: 0 hecho, 1 fallo o rechazo (motivo en una línea), 2 argumentos no válidos.`;
