# Managed by Stead: local changes are reverted.
setting = ${setting}
node = ${node}
