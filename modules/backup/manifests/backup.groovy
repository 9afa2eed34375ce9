// Scheduled backups with restic: the paths listed in data, into one repository, with
// retention, run by cron through a wrapper script that also restores.
//
//   backup::paths: [/etc, /srv/app/data]
//   backup::repository: /var/backups/restic     # or sftp:backup@host:/srv/restic/web01, ...
//   backup::password: ENC[stead:v1:...]          # the repository's key; encrypt it
//   backup::keep: {daily: 7, weekly: 4, monthly: 6}
//
// Restore drill: `stead-backup restore /tmp/drill` puts the latest snapshot under /tmp/drill
// (see the module's docs).
klass('backup') { List paths, List excludes, Map keep, password = null,
        String repository = '/var/backups/restic', String config_dir = '/etc/stead-backup',
        String script = '/usr/local/sbin/stead-backup', String hour = '2', String minute = '15' ->
    if (paths.isEmpty()) {
        fail('backup::paths is empty: list the directories to back up')
    }
    if (password == null || password == '') {
        fail('backup::password is not set: restic encrypts the repository with it (store it as a secret: stead secret encrypt)')
    }
    // Written into single-quoted shell words and restic's list files, one per line.
    (paths + excludes + [repository, config_dir, script]).each { String p ->
        if (p.contains("'") || p.contains('\n')) {
            fail("backup: '${p}' has a quote or a line break, which the wrapper script cannot hold")
        }
    }
    (paths + [config_dir, script]).each { String p ->
        if (!p.startsWith('/')) {
            fail("backup: '${p}' is not an absolute path")
        }
    }
    List periods = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly']
    if (keep.isEmpty()) {
        fail("backup::keep is empty: restic would forget every snapshot; keep at least one of ${periods.join(', ')}")
    }
    keep.each { k, n ->
        if (!periods.contains(k) || !(n instanceof Number) || n < 1) {
            fail("backup::keep: '${k}: ${n}' is not a period (${periods.join(', ')}) with a count of at least 1")
        }
    }

    defaults('file') { owner 'root'; group 'root' }

    pkg('restic', ensure: 'installed')
    file(config_dir, ensure: 'directory', mode: '0700')
    file("${config_dir}/password") {
        content password
        mode '0600'
        show_diff false
    }
    file("${config_dir}/paths", mode: '0600', content: paths.collect { "${it}\n" }.join(''))
    file("${config_dir}/excludes", mode: '0600', content: excludes.collect { "${it}\n" }.join(''))
    file(script) {
        content template('backup/stead-backup.sh.erb', repository: repository,
            config_dir: config_dir, script: script, host: node, keep: keep)
        mode '0750'
    }
    cron("backup ${script}", command: "${script} run", user: 'root', hour: hour, minute: minute)

    pkg('restic') >> file(script) >> cron("backup ${script}")
}
