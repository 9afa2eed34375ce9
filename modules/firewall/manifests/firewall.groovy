// Inbound firewall on nftables: the table `inet stead` drops whatever arrives unless it is a
// reply, loopback, ICMP, SSH from the admin networks or a service of one of the node's roles
// (firewall::roles and firewall::role_services in data). Forwarded and outgoing traffic are
// not filtered here: a drop at the forward hook would also drop what Docker's tables accept.
// (Parameters are not named like the type's, e.g. `purge`: `purge purge` would call the variable.)
klass('firewall') { List roles, List admin_networks, Map role_services, List rules,
        int ssh_port = 22, boolean allow_loopback = true, boolean allow_icmp = true,
        boolean purge_other_tables = false, String namespace = '' ->
    tag 'firewall'

    // One rule per address family for `networks` (none: from anywhere).
    Closure allow = { List networks, String proto, String port, String where ->
        if (networks.isEmpty()) {
            return ["${proto} dport ${port} accept".toString()]
        }
        List v4 = []
        List v6 = []
        networks.each { String net ->
            if (net ==~ /[0-9.]+(\/\d{1,2})?/) {
                v4 << net
            } else if (net ==~ /[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(\/\d{1,3})?/) {
                v6 << net
            } else {
                fail("${where}: '${net}' is not an IPv4 or IPv6 network such as 10.0.0.0/8")
            }
        }
        List out = []
        if (!v4.isEmpty()) {
            out << "ip saddr { ${v4.join(', ')} } ${proto} dport ${port} accept".toString()
        }
        if (!v6.isEmpty()) {
            out << "ip6 saddr { ${v6.join(', ')} } ${proto} dport ${port} accept".toString()
        }
        return out
    }

    List input = ['ct state established,related accept', 'ct state invalid drop']
    if (allow_loopback) {
        input << 'iif lo accept'
    }
    if (allow_icmp) {
        // ICMPv6 carries IPv6 neighbour discovery: without it IPv6 stops working.
        input << 'meta l4proto { icmp, ipv6-icmp } accept'
    }
    if (ssh_port != 0) {
        if (admin_networks.isEmpty()) {
            fail('firewall::admin_networks is empty: default deny would lock SSH out; list the'
                + ' admin networks, or set firewall::ssh_port to 0 to allow SSH from nowhere')
        }
        input.addAll(allow(admin_networks, 'tcp', ssh_port.toString(), 'firewall::admin_networks'))
    }
    roles.each { String role ->
        if (!role_services.containsKey(role)) {
            fail("firewall::roles names role '${role}', which firewall::role_services does not"
                + " define (it defines: ${role_services.keySet().sort().join(', ')})")
        }
        role_services[role].each { Map service ->
            String where = "firewall::role_services.${role}"
            String proto = service.proto ?: 'tcp'
            if (!(proto in ['tcp', 'udp'])) {
                fail("${where}: proto must be tcp or udp, got '${proto}'")
            }
            String port = service.port?.toString() ?: ''
            if (!(port ==~ /\d{1,5}(-\d{1,5})?/)) {
                fail("${where}: port must be a number or a range such as 8000-8010, got '${port}'")
            }
            input.addAll(allow(service.from ?: [], proto, port, where))
        }
    }
    input.addAll(rules)

    pkg('nftables')
    firewall('stead') {
        chains input: [hook: 'input', policy: 'drop', rules: input]
        purge purge_other_tables
        if (!namespace.isEmpty()) {
            netns namespace
        }
    }
    pkg('nftables') >> firewall('stead')
}
