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
  webhooks add --nombre N --url U --eventos a,b [--json]
                                           Registra un webhook y muestra su secreto de firma.
  webhooks list [--json]                   Lista los webhooks y el estado de sus entregas.
  webhooks test ID                         Envía un evento «ping» de prueba a ese webhook.
  webhooks resend ENTREGA                  Vuelve a enviar una entrega (mismo webhook-id).
  webhooks rotate-secret ID                Nuevo secreto; el anterior sigue firmando 24 h.
  (test y resend: si ningún proceso sirve los datos, la propia orden hace la entrega.)
  import ARCHIVO --tipo articulos|stock [--dry-run] [--omitir-errores] [--sumar]
         [--delimitador C] [--codificacion NOMBRE] [--numeros coma|punto] [--json]
                                           Importa artículos (alta o actualización por código)
                                           o stock (recuento: ajustes aprobados) de un CSV. Todo
                                           o nada: si una fila tiene errores no se importa nada
                                           y se listan (línea, columna, motivo). --dry-run
                                           cuenta lo que cambiaría sin escribir;
                                           --omitir-errores importa las filas válidas; --sumar
                                           suma las cantidades en vez de fijar el recuento.
                                           Codificación, separador y formato de los números se
                                           detectan; las opciones los fijan.
  erp configurar --url U --perfil rest|odata [--token T | --usuario U --clave C |
         --cabecera NOMBRE=VALOR | --sin-autenticacion] [--cada SEGUNDOS]
         [--tamano-pagina N] [--paginacion auto|pagina|siguiente|enlace|odata]
         [--ruta-articulos P] [--ruta-stock P] [--ruta-movimientos P]
         [--mapeo articulos.codigo=CAMPO]... [--activar | --desactivar] [--json]
                                           Configura el conector del ERP (lo no indicado se
                                           conserva; la credencial no se vuelve a mostrar).
  erp sync [--tipo articulos|stock|movimientos] [--dry-run] [--json]
                                           Sincroniza ahora: trae artículos y stock, envía los
                                           movimientos aprobados. --dry-run dice qué cambiaría
                                           sin escribir ni enviar nada.
  erp estado [--json]                      Última y próxima sincronización, registro y marcas.

Opciones comunes:
  --data-dir DIR   Directorio de datos (o GSIH_DATA_DIR; por defecto, el de la aplicación).
  --json           Salida en JSON donde la orden imprime datos.
  -h, --help       Esta ayuda.

Códigos de salida: 0 hecho, 1 fallo o rechazo (motivo en una línea), 2 argumentos no válidos.`;
