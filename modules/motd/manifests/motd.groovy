// The message of the day, with a Debian-style motd.d fragment where pam_motd reads one.
klass('motd') { String message = 'Welcome' ->
    file('/etc/motd') {
        content template('motd/motd.erb', message: message, os: facts.os?.family ?: 'unknown')
        mode '0644'
    }
    if (facts.os?.family == 'Debian') {
        // Debian's pam_motd also prints every file in /etc/motd.d/ at login.
        file('/etc/motd.d', ensure: 'directory', mode: '0755')
        file('/etc/motd.d/10-stead') {
            content "Configuration of this ${facts.os.name ?: 'Debian'} node is managed by Stead.\n"
            mode '0644'
            requires file('/etc/motd.d')
        }
    }
}
