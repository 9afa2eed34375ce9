// 7.1.x: permissions on the account databases (Level 1). Debian's own owners and modes,
// which the benchmark accepts: shadow files belong to group shadow so that unix_chkpwd
// (setgid shadow) can check a password for a screen locker.
define('hardening_account_file') { String group_name, String file_mode ->
    file(title) {
        mode file_mode
        owner 'root'
        group group_name
    }
}

// 7.1.1 Ensure permissions on /etc/passwd are configured
klass('hardening::cis_7_1_1') {
    tag 'cis_level1'
    hardening_account_file('/etc/passwd', group_name: 'root', file_mode: '0644')
}

// 7.1.3 Ensure permissions on /etc/group are configured
klass('hardening::cis_7_1_3') {
    tag 'cis_level1'
    hardening_account_file('/etc/group', group_name: 'root', file_mode: '0644')
}

// 7.1.5 Ensure permissions on /etc/shadow are configured
klass('hardening::cis_7_1_5') {
    tag 'cis_level1'
    hardening_account_file('/etc/shadow', group_name: 'shadow', file_mode: '0640')
}

// 7.1.7 Ensure permissions on /etc/gshadow are configured
klass('hardening::cis_7_1_7') {
    tag 'cis_level1'
    hardening_account_file('/etc/gshadow', group_name: 'shadow', file_mode: '0640')
}
