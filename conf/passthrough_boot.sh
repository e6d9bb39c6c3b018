#!/bin/sh
# The seed's passthrough_boot.sh, kept for its users: the same arguments
# (-hda disk.img -cdrom os.iso -name pass ...), handed to "vfiopt boot",
# which passes the devices this boot's early claim took.
here=$(dirname "$0")
if [ -x "$here/vfiopt" ]; then
	exec "$here/vfiopt" boot "$@"
fi
exec vfiopt boot "$@"
