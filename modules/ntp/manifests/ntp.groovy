// NTP client. Servers come from the data hierarchy (ntp::servers, module default in
// ntp/data/common.yaml); Debian runs ntpsec's "ntpsec" service, other families "ntpd".
// (A local variable must not be named like a resource type: `service(x)` would call it.)
klass('ntp') { List servers, boolean iburst = true ->
    if (servers.isEmpty()) {
        fail('ntp::servers is empty: a node without time servers would drift; list at least one')
    }
    String daemon = facts.os?.family == 'Debian' ? 'ntpsec' : 'ntpd'

    defaults('file') { mode '0644'; owner 'root'; group 'root' }
    // Everything this class manages carries the tag: `stead agent run --once --tags time`.
    tag 'time'

    pkg(daemon)
    file('/etc/ntp.conf') {
        content template('ntp/ntp.conf.erb', servers: servers, iburst: iburst)
    }
    service(daemon) { ensure 'running'; enable true }
    // The package, then its configuration, then the service, restarted when that changes.
    pkg(daemon) >> file('/etc/ntp.conf') >>> service(daemon)

    // One drop-in per extra restriction listed in data (ntp::restrict, merged from every level
    // by the module's lookup_options).
    lookup('ntp::restrict', default: []).each { String network ->
        ntp_restrict(network)
    }
}

// A restriction line in its own file under /etc/ntp.d, e.g. ntp_restrict('10.0.0.0/8').
define('ntp_restrict') { String options = 'nomodify notrap nopeer noquery' ->
    file("/etc/ntp.d/restrict-${title.replace('/', '_')}.conf") {
        content "restrict ${title} ${options}\n"
        mode '0644'
        notifies service(facts.os?.family == 'Debian' ? 'ntpsec' : 'ntpd')
    }
}
