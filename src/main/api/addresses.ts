import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/**
 * The URLs where other machines on the LAN can reach a listener bound to `host`. A wildcard
 * bind is reachable on every interface address; loopback is listed last, for this PC.
 */
export function reachableUrls(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  const format = (address: string, family: string) =>
    `http://${family === 'IPv6' ? `[${address}]` : address}:${port}/`;
  if (host !== '0.0.0.0' && host !== '::')
    return [format(host, host.includes(':') ? 'IPv6' : 'IPv4')];
  const lan: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      // Link-local IPv6 addresses need a zone id to be usable: not something to hand an integrator.
      if (info.family === 'IPv6' && (host === '0.0.0.0' || info.address.startsWith('fe80')))
        continue;
      lan.push(format(info.address, info.family));
    }
  }
  return [...lan, format('127.0.0.1', 'IPv4')];
}
