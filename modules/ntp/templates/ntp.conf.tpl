# Managed by Stead for ${node}: local changes are reverted.
driftfile /var/lib/ntp/ntp.drift
<% servers.each { s -> %>server ${s}${iburst ? ' iburst' : ''}
<% } %>includefile /etc/ntp.d
