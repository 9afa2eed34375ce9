// The demo environment. Modules come from the repository's modules/ directory.
node('demo-node.stead.test') {
    include 'base'
    include 'motd', message: 'Hello from the Stead demo'
}

node('default') {
    include 'base'
}
