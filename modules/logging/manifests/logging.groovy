// rsyslog forwarding every message to a central log host: one drop-in in /etc/rsyslog.d,
// checked with `rsyslogd -N1` before it is put in place, and rsyslog restarted when it
// changes. `logging::validate: false` leaves the check out, for an apply under --root where
// no command runs (see docs/modules.md).
klass('logging') { String server, int port = 514, String protocol = 'tcp', String selector = '*.*',
        boolean validate = true ->
    if (!(server ==~ /[A-Za-z0-9][A-Za-z0-9.\-]*|\[[0-9A-Fa-f:.]+\]/)) {
        fail("logging::server '${server}' is not a host name or address (an IPv6 address goes in brackets)")
    }
    if (port < 1 || port > 65535) {
        fail("logging::port ${port} is not a port number (1-65535)")
    }
    if (!(protocol in ['tcp', 'udp'])) {
        fail("logging::protocol '${protocol}' must be tcp or udp")
    }
    // A selector is facility.priority pairs (`*.*`, `auth,authpriv.*`, `*.info;mail.none`).
    if (!(selector ==~ /[A-Za-z0-9*.,;=!]+/)) {
        fail("logging::selector '${selector}' is not an rsyslog selector such as *.* or auth,authpriv.*")
    }
    tag 'logging'

    pkg('rsyslog')
    file('/etc/rsyslog.d/60-stead-forward.conf') {
        content template('logging/forward.conf.erb', server: server, port: port, protocol: protocol,
            selector: selector)
        mode '0644'
        owner 'root'
        group 'root'
        if (validate) {
            validate_cmd '/usr/sbin/rsyslogd -N1 -f %'
        }
    }
    service('rsyslog') {
        ensure 'running'
        enable true
    }
    pkg('rsyslog') >> file('/etc/rsyslog.d/60-stead-forward.conf') >>> service('rsyslog')
}
