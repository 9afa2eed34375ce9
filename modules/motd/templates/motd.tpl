${message}

  node:   ${node}
  system: ${os}
