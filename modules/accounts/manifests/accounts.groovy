// Local accounts from data: groups, users with their SSH keys, and sudo rules.
//
//   accounts::groups: {ops: {gid: 3001}}
//   accounts::users:
//     alice:
//       uid: 2001
//       groups: [ops]
//       ssh_keys: {alice@laptop: {key: AAAAC3Nz...}}
//   accounts::sudo: {ops: ['%ops ALL=(ALL:ALL) ALL']}
//
// A user's keys not listed in data are removed from authorized_keys (purge_ssh_keys), so the
// data is the whole truth about who may log in with a key. Users and groups that data does
// not name are left alone: delete one by setting `ensure: absent`.
klass('accounts') { Map users, Map groups, Map sudo, boolean purge_ssh_keys = true ->
    groups.each { String name, Map attrs ->
        check_attributes('accounts::groups', name, attrs, ['ensure', 'gid', 'system'])
        group(attrs ?: [:], name)
    }
    users.each { String name, Map attrs ->
        check_attributes('accounts::users', name, attrs, user_attributes())
        accounts_user([purge_ssh_keys: purge_ssh_keys] + (attrs ?: [:]), name)
    }
    sudo.each { String name, rules ->
        // One rule may be written without a list.
        accounts_sudo(name, rules: rules instanceof List ? rules : [rules])
    }
}

// One user, its home and its authorized SSH keys. With purge_ssh_keys (the default), any
// other key in ~/.ssh/authorized_keys is removed.
define('accounts_user') { String ensure = 'present', Integer uid = null, String gid = null,
        String comment = null, String shell = '/bin/bash', String home = null,
        List groups = null, Map ssh_keys = [:], boolean purge_ssh_keys = true,
        boolean managehome = true, String expiry = null, password = null ->
    // Built as a map: only what data sets is managed, an unset attribute is left alone.
    Map p = [ensure: ensure, managehome: managehome]
    if (ensure == 'present') {
        p.shell = shell
        p.purge_ssh_keys = purge_ssh_keys
        [uid: uid, gid: gid, comment: comment, home: home, groups: groups, expiry: expiry,
         password: password].each { k, v -> if (v != null) { p[k] = v } }
    }
    user(p, title)
    if (ensure == 'present') {
        ssh_keys.each { String name, Map k ->
            check_attributes("accounts::users: ${title} ssh_keys", name, k, ['type', 'key'])
            if (!k?.key) {
                fail("accounts::users: ${title} ssh_keys: key '${name}' has no 'key' (the base64 key material)")
            }
            ssh_key("${title} ${name}", user: title, key: k.key, type: k.type ?: 'ssh-ed25519',
                comment: name)
        }
    }
}

// A file in /etc/sudoers.d with the given rules, checked with visudo before it is put in
// place: a rule with a syntax error never reaches sudo, which would otherwise refuse to run
// at all. sudo skips file names with a dot or ending in '~', so the title may not have them.
define('accounts_sudo') { List rules ->
    if (!(title ==~ /[A-Za-z0-9_-]+/)) {
        fail("accounts::sudo: '${title}' cannot name a file in /etc/sudoers.d: sudo reads only names of letters, digits, '_' and '-'")
    }
    if (!defined(pkg('sudo'))) {
        pkg('sudo', ensure: 'installed')
    }
    file("/etc/sudoers.d/${title}") {
        content "# Managed by Stead: local changes are reverted.\n" + rules.collect { "${it}\n" }.join('')
        owner 'root'
        group 'root'
        mode '0440'
        validate_cmd 'visudo -cf %'
        requires pkg('sudo')
    }
}
