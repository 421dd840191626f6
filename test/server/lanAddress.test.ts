// The LAN address `npm start` advertises to phones: a reachable IPv4 address, never loopback,
// IPv6 or a container bridge when a real LAN address exists.
import type { NetworkInterfaceInfo } from 'node:os'
import { describe, expect, it } from 'vitest'
import { chooseLanAddress, isPrivateLan, lanPublicUrl } from '../../src/server/lanAddress'

function v4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal, cidr: `${address}/24` }
}
function v6(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal, cidr: `${address}/64`, scopeid: 0 }
}
const lo = [v4('127.0.0.1', true), v6('::1', true)]

describe('chooseLanAddress', () => {
  it('is null with only loopback, only IPv6 or no interfaces', () => {
    expect(chooseLanAddress({})).toBeNull()
    expect(chooseLanAddress({ lo })).toBeNull()
    expect(chooseLanAddress({ lo, eth0: [v6('fd00::2'), v6('fe80::1')] })).toBeNull()
    expect(chooseLanAddress({ lo, eth0: undefined })).toBeNull()
  })

  it('takes the first non-internal IPv4 address', () => {
    expect(chooseLanAddress({ lo, wlan0: [v6('fe80::1'), v4('192.168.1.20')] })).toBe('192.168.1.20')
    expect(chooseLanAddress({ lo, en0: [v4('10.0.0.7')], en1: [v4('10.0.0.8')] })).toBe('10.0.0.7')
    expect(chooseLanAddress({ lo, eth0: [v4('203.0.113.9')] })).toBe('203.0.113.9')
  })

  it('prefers the LAN over a docker, VM or VPN bridge listed first', () => {
    const docker = { docker0: [v4('172.17.0.1')], 'br-5f2a9c': [v4('172.18.0.1')], veth12ab: [v4('169.254.3.3')] }
    expect(chooseLanAddress({ lo, ...docker, wlan0: [v4('192.168.0.42')] })).toBe('192.168.0.42')
    expect(chooseLanAddress({ lo, virbr0: [v4('192.168.122.1')], tailscale0: [v4('100.101.102.103')], eth0: [v4('10.1.2.3')] })).toBe('10.1.2.3')
    // A bridge is still better than nothing: the machine's own browser and other containers reach it.
    expect(chooseLanAddress({ lo, docker0: [v4('172.17.0.1')] })).toBe('172.17.0.1')
  })

  it('prefers a private LAN range over a public address and link-local 169.254 over nothing', () => {
    expect(chooseLanAddress({ lo, eth0: [v4('169.254.10.20')], eth1: [v4('203.0.113.5')], wlan0: [v4('172.20.1.2')] })).toBe('172.20.1.2')
    expect(chooseLanAddress({ lo, eth0: [v4('169.254.10.20')], eth1: [v4('203.0.113.5')] })).toBe('203.0.113.5')
    expect(chooseLanAddress({ lo, eth0: [v4('169.254.10.20')] })).toBe('169.254.10.20')
  })

  it('accepts the numeric family of Node 18.0–18.3', () => {
    expect(chooseLanAddress({ lo, eth0: [{ ...v4('192.168.5.5'), family: 4 as unknown as 'IPv4' }] })).toBe('192.168.5.5')
  })
})

describe('isPrivateLan', () => {
  it('knows the RFC 1918 ranges', () => {
    for (const a of ['10.0.0.1', '172.16.0.1', '172.31.255.254', '192.168.1.1']) expect(isPrivateLan(a)).toBe(true)
    for (const a of ['172.15.0.1', '172.32.0.1', '192.169.0.1', '169.254.1.1', '8.8.8.8', 'fd00::1', '1.2.3']) expect(isPrivateLan(a)).toBe(false)
  })
})

describe('lanPublicUrl', () => {
  it('is an http origin with the port', () => {
    expect(lanPublicUrl('192.168.1.20', 8080)).toBe('http://192.168.1.20:8080')
  })
})
