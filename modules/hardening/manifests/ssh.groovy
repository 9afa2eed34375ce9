// 5.1.x: the OpenSSH server (all Level 1). Each control writes one drop-in,
// /etc/ssh/sshd_config.d/10-<control>.conf, through the sshd module's sshd_dropin: checked
// with `sshd -t` before it is put in place, and sshd restarted when it changes. sshd keeps the
// first value it reads and reads the drop-ins before sshd_config's own lines, so the control
// wins over sshd::settings; excepting a control removes nothing (delete its file by hand).

// 5.1.6 Ensure sshd Ciphers are configured
klass('hardening::cis_5_1_6') { String ciphers ->
    tag 'cis_level1'
    ssh_setting('cis_5_1_6', [Ciphers: ciphers])
}

// 5.1.7 Ensure sshd ClientAliveInterval and ClientAliveCountMax are configured: an idle
// session is closed after interval x count_max seconds without an answer from the client.
klass('hardening::cis_5_1_7') { int interval = 15, int count_max = 3 ->
    tag 'cis_level1'
    if (interval < 1 || count_max < 1) {
        fail("hardening::cis_5_1_7: interval and count_max must be above 0 (got ${interval} and ${count_max})")
    }
    ssh_setting('cis_5_1_7', [ClientAliveInterval: interval, ClientAliveCountMax: count_max])
}

// 5.1.10 Ensure sshd HostbasedAuthentication is disabled
klass('hardening::cis_5_1_10') {
    tag 'cis_level1'
    ssh_setting('cis_5_1_10', [HostbasedAuthentication: false])
}

// 5.1.11 Ensure sshd IgnoreRhosts is enabled
klass('hardening::cis_5_1_11') {
    tag 'cis_level1'
    ssh_setting('cis_5_1_11', [IgnoreRhosts: true])
}

// 5.1.12 Ensure sshd KexAlgorithms is configured
klass('hardening::cis_5_1_12') { String kex_algorithms ->
    tag 'cis_level1'
    ssh_setting('cis_5_1_12', [KexAlgorithms: kex_algorithms])
}

// 5.1.13 Ensure sshd LoginGraceTime is configured (1 to 60 seconds)
klass('hardening::cis_5_1_13') { int seconds = 60 ->
    tag 'cis_level1'
    if (seconds < 1 || seconds > 60) {
        fail("hardening::cis_5_1_13::seconds must be 1 to 60, got ${seconds}")
    }
    ssh_setting('cis_5_1_13', [LoginGraceTime: seconds])
}

// 5.1.14 Ensure sshd LogLevel is configured (INFO or VERBOSE)
klass('hardening::cis_5_1_14') { String level = 'INFO' ->
    tag 'cis_level1'
    if (!(level in ['INFO', 'VERBOSE'])) {
        fail("hardening::cis_5_1_14::level must be INFO or VERBOSE, got '${level}'")
    }
    ssh_setting('cis_5_1_14', [LogLevel: level])
}

// 5.1.15 Ensure sshd MACs are configured
klass('hardening::cis_5_1_15') { String macs ->
    tag 'cis_level1'
    ssh_setting('cis_5_1_15', [MACs: macs])
}

// 5.1.16 Ensure sshd MaxAuthTries is configured (4 or less)
klass('hardening::cis_5_1_16') { int tries = 4 ->
    tag 'cis_level1'
    if (tries < 1 || tries > 4) {
        fail("hardening::cis_5_1_16::tries must be 1 to 4, got ${tries}")
    }
    ssh_setting('cis_5_1_16', [MaxAuthTries: tries])
}

// 5.1.19 Ensure sshd PermitEmptyPasswords is disabled
klass('hardening::cis_5_1_19') {
    tag 'cis_level1'
    ssh_setting('cis_5_1_19', [PermitEmptyPasswords: false])
}

// 5.1.20 Ensure sshd PermitRootLogin is disabled
klass('hardening::cis_5_1_20') {
    tag 'cis_level1'
    ssh_setting('cis_5_1_20', [PermitRootLogin: false])
}

// 5.1.21 Ensure sshd PermitUserEnvironment is disabled
klass('hardening::cis_5_1_21') {
    tag 'cis_level1'
    ssh_setting('cis_5_1_21', [PermitUserEnvironment: false])
}

// 5.1.22 Ensure sshd UsePAM is enabled
klass('hardening::cis_5_1_22') {
    tag 'cis_level1'
    ssh_setting('cis_5_1_22', [UsePAM: true])
}
