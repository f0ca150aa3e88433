export const USAGE = `Uso: gsih <orden> [opciones]

Órdenes:
  serve [--ui-port N] [--no-ui]            Ejecuta el núcleo sin ventana y sirve la interfaz en
                                           127.0.0.1; imprime una línea por cada escucha.
  status [--json]                          Estado del directorio de datos y de la base de datos.
  movimientos list [--estado E] [--pagina N] [--json]
                                           Lista movimientos (E: PENDIENTE, APROBADO, RECHAZADO).
  movimientos aprobar ID [--json]          Aprueba un movimiento pendiente (cambia el stock).
  movimientos rechazar ID [--motivo M] [--json]
                                           Rechaza un movimiento pendiente.

Opciones comunes:
  --data-dir DIR   Directorio de datos (o GSIH_DATA_DIR; por defecto, el de la aplicación).
  --json           Salida en JSON donde la orden imprime datos.
  -h, --help       Esta ayuda.

Códigos de salida: 0 hecho, 1 fallo o rechazo (motivo en una línea), 2 argumentos no válidos.`;
