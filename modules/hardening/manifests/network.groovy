// 3.3.x: kernel network parameters (all Level 1). Each is set now (/proc/sys) and kept in
// /etc/sysctl.d/99-stead.conf for the next boot. The IPv6 ones only with hardening::ipv6.

// 3.3.1 Ensure ip forwarding is disabled (except it on routers, VPN gateways, container hosts)
klass('hardening::cis_3_3_1') {
    tag 'cis_level1'
    sysctl('net.ipv4.ip_forward') { value '0' }
    if (ipv6()) {
        sysctl('net.ipv6.conf.all.forwarding') { value '0' }
    }
}

// 3.3.2 Ensure packet redirect sending is disabled
klass('hardening::cis_3_3_2') {
    tag 'cis_level1'
    sysctl('net.ipv4.conf.all.send_redirects') { value '0' }
    sysctl('net.ipv4.conf.default.send_redirects') { value '0' }
}

// 3.3.3 Ensure bogus icmp responses are ignored
klass('hardening::cis_3_3_3') {
    tag 'cis_level1'
    sysctl('net.ipv4.icmp_ignore_bogus_error_responses') { value '1' }
}

// 3.3.4 Ensure broadcast icmp requests are ignored
klass('hardening::cis_3_3_4') {
    tag 'cis_level1'
    sysctl('net.ipv4.icmp_echo_ignore_broadcasts') { value '1' }
}

// 3.3.5 Ensure icmp redirects are not accepted
klass('hardening::cis_3_3_5') {
    tag 'cis_level1'
    sysctl('net.ipv4.conf.all.accept_redirects') { value '0' }
    sysctl('net.ipv4.conf.default.accept_redirects') { value '0' }
    if (ipv6()) {
        sysctl('net.ipv6.conf.all.accept_redirects') { value '0' }
        sysctl('net.ipv6.conf.default.accept_redirects') { value '0' }
    }
}

// 3.3.6 Ensure secure icmp redirects are not accepted
klass('hardening::cis_3_3_6') {
    tag 'cis_level1'
    sysctl('net.ipv4.conf.all.secure_redirects') { value '0' }
    sysctl('net.ipv4.conf.default.secure_redirects') { value '0' }
}

// 3.3.7 Ensure reverse path filtering is enabled
klass('hardening::cis_3_3_7') {
    tag 'cis_level1'
    sysctl('net.ipv4.conf.all.rp_filter') { value '1' }
    sysctl('net.ipv4.conf.default.rp_filter') { value '1' }
}

// 3.3.8 Ensure source routed packets are not accepted
klass('hardening::cis_3_3_8') {
    tag 'cis_level1'
    sysctl('net.ipv4.conf.all.accept_source_route') { value '0' }
    sysctl('net.ipv4.conf.default.accept_source_route') { value '0' }
    if (ipv6()) {
        sysctl('net.ipv6.conf.all.accept_source_route') { value '0' }
        sysctl('net.ipv6.conf.default.accept_source_route') { value '0' }
    }
}

// 3.3.9 Ensure suspicious packets are logged
klass('hardening::cis_3_3_9') {
    tag 'cis_level1'
    sysctl('net.ipv4.conf.all.log_martians') { value '1' }
    sysctl('net.ipv4.conf.default.log_martians') { value '1' }
}

// 3.3.10 Ensure tcp syn cookies is enabled
klass('hardening::cis_3_3_10') {
    tag 'cis_level1'
    sysctl('net.ipv4.tcp_syncookies') { value '1' }
}
