// 1.5.3 Ensure core dumps are restricted (Level 1): no core files for any user, and none of
// setuid programs (whose memory may hold what their caller may not read).
klass('hardening::cis_1_5_3') { String limits_file = '/etc/security/limits.d/60-stead-core.conf' ->
    tag 'cis_level1'
    file(limits_file) {
        content "# Managed by Stead (hardening::cis_1_5_3): no core dumps.\n* hard core 0\n"
        mode '0644'
        owner 'root'
        group 'root'
    }
    sysctl('fs.suid_dumpable') { value '0' }
}
