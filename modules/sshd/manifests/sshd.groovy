// The OpenSSH server: sshd_config rendered whole from data (sshd::settings, sshd::matches),
// checked with `sshd -t` before it is put in place, and the service restarted when it
// changes. `sshd::validate: false` leaves the check out, for an apply under --root where no
// command runs (see docs/modules.md).
klass('sshd') { Map settings, Map matches = [:], boolean validate = true ->
    include 'sshd::install'
    contain 'sshd::service'
    file('/etc/ssh/sshd_config') {
        content template('sshd/sshd_config.erb', lines: config_lines(settings, ''),
            blocks: match_blocks(matches))
        // CIS Debian 12 5.1.1: readable by root only (sshd runs as root).
        mode '0600'
        owner 'root'
        group 'root'
        if (validate) {
            validate_cmd validate_command()
        }
        requires klass('sshd::install')
        notifies service(service_name())
    }
}

// The package, the drop-in directory, and for `sshd -t` the privilege separation directory
// (systemd makes it when sshd starts; a host where sshd never ran has none).
klass('sshd::install') {
    pkg('openssh-server')
    file('/etc/ssh/sshd_config.d') {
        ensure 'directory'
        mode '0755'
        owner 'root'
        group 'root'
        requires pkg('openssh-server')
    }
    if (lookup('sshd::validate', default: true)) {
        file('/run/sshd', ensure: 'directory', mode: '0755', owner: 'root', group: 'root')
    }
}

klass('sshd::service') {
    service(service_name()) {
        ensure 'running'
        enable true
    }
}

// One file in /etc/ssh/sshd_config.d, e.g. sshd_dropin('10-cis_5_1_20', settings: [PermitRootLogin: false]).
// It is validated on its own and restarts the service; it does not take over sshd_config.
define('sshd_dropin') { Map settings ->
    if (!(title ==~ /[A-Za-z0-9][A-Za-z0-9_.\-]*/)) {
        fail("sshd_dropin title '${title}' must be a file name: letters, digits, . _ -")
    }
    if (settings.isEmpty()) {
        fail("sshd_dropin '${title}' needs at least one setting")
    }
    include 'sshd::install'
    include 'sshd::service'
    file("/etc/ssh/sshd_config.d/${title}.conf") {
        content "# Managed by Stead: local changes are reverted.\n" + config_lines(settings, '')
        mode '0600'
        owner 'root'
        group 'root'
        if (lookup('sshd::validate', default: true)) {
            validate_cmd validate_command()
        }
        requires pkg('openssh-server')
        notifies service(service_name())
    }
}
