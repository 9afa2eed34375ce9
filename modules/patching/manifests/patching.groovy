// Security updates, installed by unattended-upgrades in a maintenance window, and the
// packages that must not move: holds (apt-mark) and pins (apt preferences).
//
//   patching::window_days: Mon..Fri        # systemd weekdays; '*' for every day
//   patching::window_start: '03:00'
//   patching::window_length: 1h            # upgrades start at a random moment within it
//   patching::holds: [postgresql-15]
//   patching::pins:
//     nginx: {packages: 'nginx nginx-common', version: '1.22.*', priority: 1001}
//
// The window is the start time of apt-daily-upgrade.timer, the systemd timer that runs
// unattended-upgrades, set by a drop-in; a reboot an upgrade needs follows right away
// (patching::reboot), so it falls inside the window too.
klass('patching') { List origins, List holds, List unholds, List blacklist, Map pins,
        boolean enable = true, boolean reboot = false, String mail = '',
        String window_days = '*', String window_start = '03:00', String window_length = '1h' ->
    check_format('patching::window_start', window_start, /([01][0-9]|2[0-3]):[0-5][0-9]/,
        'a time of day, HH:MM')
    String day = /(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/
    check_format('patching::window_days', window_days, /\*|${day}(\.\.${day})?(,${day}(\.\.${day})?)*/,
        "'*' or systemd weekdays such as Mon..Fri or Sat,Sun")
    check_format('patching::window_length', window_length, /[1-9][0-9]*(s|min|h)/,
        'a duration such as 45min or 2h')
    blacklist.each { String p -> check_format('patching::blacklist', p, /[^"]+/, 'a pattern without quotes') }
    origins.each { String o -> check_format('patching::origins', o, /[^"]+/, 'an origin pattern without quotes') }

    defaults('file') { owner 'root'; group 'root'; mode '0644' }

    pkg('unattended-upgrades', ensure: 'installed')
    file('/etc/apt/apt.conf.d/52stead-patching') {
        content template('patching/unattended-upgrades.erb', enable: enable, origins: origins,
            blacklist: blacklist, reboot: reboot, mail: mail)
        requires pkg('unattended-upgrades')
    }

    // apt's own timer runs unattended-upgrades; the drop-in moves it into the window.
    file('/etc/systemd/system/apt-daily-upgrade.timer.d', ensure: 'directory', mode: '0755')
    file('/etc/systemd/system/apt-daily-upgrade.timer.d/stead-window.conf') {
        content template('patching/window.conf.erb', days: window_days, start: window_start,
            length: window_length)
    }
    // systemd reads the change on a reload; without systemd running there is nothing to tell.
    exec('patching: systemctl daemon-reload') {
        command 'systemctl daemon-reload'
        onlyif 'test -d /run/systemd/system'
        refreshonly true
        subscribes file('/etc/systemd/system/apt-daily-upgrade.timer.d/stead-window.conf')
    }

    holds.each { String p -> patching_hold(p) }
    unholds.each { String p -> patching_hold(p, held: false) }
    pins.each { String name, Map attrs -> patching_pin(attrs ?: [:], name) }
}

// A dpkg hold (apt-mark hold): apt and unattended-upgrades leave the package at its version.
// held: false releases it. A hold Stead set stays when the name leaves data: release it here.
define('patching_hold') { boolean held = true ->
    check_format('patching::holds', title, package_pattern(), 'a Debian package name')
    String verb = held ? 'hold' : 'unhold'
    // showhold lists the held packages among those named; the hold is in place when it lists it.
    String isHeld = "apt-mark showhold ${title} | grep -qxF ${title}"
    exec("apt-mark ${verb} ${title}") {
        if (held) { unless isHeld } else { onlyif isHeld }
    }
}

// An apt preferences file /etc/apt/preferences.d/stead-TITLE: the packages (default: the
// title) pinned to a version, a release or an origin, at a priority (above 1000 allows a
// downgrade to reach the pin, below 0 forbids the version).
define('patching_pin') { String packages = title, String version = null, String release = null,
        String origin = null, Integer priority = null ->
    // apt reads only names of letters, digits, '_', '-' and '.' in preferences.d.
    check_format('patching::pins', title, /[A-Za-z0-9_-]+/, "a name of letters, digits, '_' and '-'")
    List pins = [version ? "version ${version}" : null, release ? "release ${release}" : null,
                 origin ? "origin ${origin}" : null].findAll { it != null }
    if (pins.size() != 1) {
        fail("patching::pins: '${title}' needs exactly one of version, release or origin, has ${pins.size()}")
    }
    if (priority == null) {
        fail("patching::pins: '${title}' has no priority")
    }
    file("/etc/apt/preferences.d/stead-${title}") {
        content template('patching/pin.erb', packages: packages, pin: pins[0], priority: priority)
        owner 'root'
        group 'root'
        mode '0644'
    }
}
