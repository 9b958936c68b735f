# Sourced, not run: `. scripts/use-node.sh && …` at the start of an npm script (or the bootstrap)
# puts the project's Node (the major in .nvmrc) first on PATH for the rest of that script, fetching
# it first when the machine's node is another major (scripts/ensure-node.sh). npm itself was
# started by the machine's node; everything after this line (npm, tsc, eslint, jest, tsx, the
# stack and its children) runs on the project's. POSIX sh: npm runs scripts with /bin/sh.
_frontdesk_node_dir=$(bash scripts/ensure-node.sh) || return 1
case "$PATH" in
  "$_frontdesk_node_dir":*) ;;
  *) PATH="$_frontdesk_node_dir:$PATH" ;;
esac
# npm exports the node that launched it under these names; tools that honour them must agree.
NODE="$_frontdesk_node_dir/node"
npm_node_execpath="$_frontdesk_node_dir/node"
export PATH NODE npm_node_execpath
unset _frontdesk_node_dir
