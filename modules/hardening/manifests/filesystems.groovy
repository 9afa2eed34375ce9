// 1.1.1.x: kernel modules of file systems a server does not mount. modprobe runs /bin/false
// instead of loading the module, the blacklist keeps it from loading by alias, and a loaded
// module is unloaded (which fails, and says so, while something is mounted with it).
define('hardening_kernel_module') { String control ->
    file("/etc/modprobe.d/stead-${title}.conf") {
        content "# Managed by Stead (hardening::${control}): ${title} may not be loaded.\n" +
            "install ${title} /bin/false\nblacklist ${title}\n"
        mode '0644'
        owner 'root'
        group 'root'
    }
    exec("modprobe -r ${title}") {
        onlyif "grep -q '^${title} ' /proc/modules"
        requires file("/etc/modprobe.d/stead-${title}.conf")
    }
}

// 1.1.1.1 Ensure cramfs kernel module is not available (Level 1)
klass('hardening::cis_1_1_1_1') {
    tag 'cis_level1'
    hardening_kernel_module('cramfs', control: 'cis_1_1_1_1')
}

// 1.1.1.6 Ensure squashfs kernel module is not available (Level 2; snaps need squashfs)
klass('hardening::cis_1_1_1_6') {
    tag 'cis_level2'
    hardening_kernel_module('squashfs', control: 'cis_1_1_1_6')
}

// 1.1.1.7 Ensure udf kernel module is not available (Level 2)
klass('hardening::cis_1_1_1_7') {
    tag 'cis_level2'
    hardening_kernel_module('udf', control: 'cis_1_1_1_7')
}
