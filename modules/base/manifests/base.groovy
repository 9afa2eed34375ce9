// The demo application's configuration: a directory, a config file, a link to it, and
// tuning that follows the machine's processor count.
klass('base') { String app_setting = 'on' ->
    file('/etc/stead-demo', ensure: 'directory', mode: '0755')

    file('/etc/stead-demo/app.conf') {
        content template('base/app.conf.erb', setting: app_setting)
        mode '0644'
        requires file('/etc/stead-demo')
    }

    file('/etc/stead-demo/current') {
        ensure 'link'
        target '/etc/stead-demo/app.conf'
        requires file('/etc/stead-demo/app.conf')
    }

    long cpus = facts.processors?.count ?: 1
    String profile = cpus >= 4 ? 'large' : 'small'
    file('/etc/stead-demo/tuning.conf', mode: '0644',
        content: "profile = ${profile}\nworkers = ${Math.min(cpus, 8L)}\n",
        requires: file('/etc/stead-demo'))
}
