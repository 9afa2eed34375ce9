// 6.3.x: the Linux audit daemon (Level 2 in the benchmark).

// 6.3.1.1 Ensure auditd is installed
klass('hardening::cis_6_3_1_1') {
    tag 'cis_level2'
    pkg('auditd')
    pkg('audispd-plugins')
}

// 6.3.1.2 Ensure auditd service is enabled and active
klass('hardening::cis_6_3_1_2') {
    tag 'cis_level2'
    service('auditd') {
        ensure 'running'
        enable true
        if (defined(pkg('auditd'))) {
            requires pkg('auditd')
        }
    }
}

// 6.3.3.8 Ensure events that modify user/group information are collected: a watch on each
// identity file, in /etc/audit/rules.d (which augenrules compiles into audit.rules), loaded
// into the kernel when the file changes.
klass('hardening::cis_6_3_3_8') {
    tag 'cis_level2'
    file('/etc/audit/rules.d/50-stead-identity.rules') {
        content "## Managed by Stead (hardening::cis_6_3_3_8): changes to users and groups.\n" +
            ['/etc/group', '/etc/passwd', '/etc/gshadow', '/etc/shadow', '/etc/security/opasswd']
                .collect { "-w ${it} -p wa -k identity\n" }.join('')
        mode '0640'
        owner 'root'
        group 'root'
        if (defined(pkg('auditd'))) {
            requires pkg('auditd')
        }
    }
    // auditd refuses a manual restart (RefuseManualStop): augenrules loads the rules instead.
    exec('/usr/sbin/augenrules --load') {
        refreshonly true
        subscribes file('/etc/audit/rules.d/50-stead-identity.rules')
    }
}
