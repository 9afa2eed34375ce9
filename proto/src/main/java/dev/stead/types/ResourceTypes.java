package dev.stead.types;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one description of every resource type. The compiler rejects types and parameters
 * not listed here; the agent's provider registry must cover exactly this set (a test checks
 * it); docs/resources.md is generated from it.
 */
public final class ResourceTypes {
  /** The file type: regular files, directories and symbolic links. */
  public static final ResourceTypeSpec FILE = new ResourceTypeSpec("file",
      "A file, directory or symbolic link. The title is the absolute path.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("file", "directory", "link", "absent"),
              "What the path should be. `content` or `source` implies `file`; `target` implies"
                  + " `link`. Unset and not implied: the other properties are managed where the"
                  + " path exists, and an absent path is left alone (in sync), as in Puppet."),
          ParameterSpec.string("content",
              "Exact content of a regular file. Reports show it as sha256 plus a diff."),
          ParameterSpec.string("source",
              "A file of a module, `module/path` (or `stead:///modules/module/path`), naming"
                  + " `<module>/files/path`. The compiler reads it and puts its sha256 in"
                  + " `checksum`; the agent fetches the bytes from the master only when the"
                  + " local file's sha256 differs. Implies `file`; not with `content`. On a"
                  + " directory with `recurse: true`, a module directory: the compiler copies"
                  + " its tree as one `file` resource per entry. A symbolic link may only"
                  + " point inside the module: one that leads outside is a compile error, and"
                  + " the master refuses to serve it. Or an `https://` URL, which needs"
                  + " `checksum`: the agent downloads it itself (trusting the system's CAs,"
                  + " or only those of `source_ca`), only when the local file's sha256"
                  + " differs, and puts it in place only when the bytes match the checksum;"
                  + " a TLS failure or a mismatch leaves the file as it was."),
          ParameterSpec.string("checksum",
              "`sha256:<hex>` of the `source` file. For a module file the compiler sets it"
                  + " (it is not written in code): it changes the catalog when the file's"
                  + " bytes change. For an `https://` source the code must give it: it is"
                  + " what the download is checked against."),
          ParameterSpec.string("source_ca",
              "With an `https://` source: an absolute path to a PEM file of CA certificates"
                  + " on the agent's machine; the server's certificate must chain to one of"
                  + " them (the system's CAs are then not trusted for this download)."),
          ParameterSpec.string("mode",
              "Permission bits as an octal string, e.g. `0644`. On a directory, each class"
                  + " that may read may also search, as in Puppet: `0644` gives `0755`"
                  + " (drwxr-xr-x), and a directory at `0755` is in sync with `0644`.")
              .checkedBy(Validators.FILE_MODE),
          ParameterSpec.string("owner", "Owning user name."),
          ParameterSpec.string("group", "Owning group name."),
          ParameterSpec.string("target",
              "Target of a symbolic link, written verbatim (never re-based under --root)."),
          ParameterSpec.bool("force",
              "Replace a directory (or other type) that stands where a file or link should be;"
                  + " with `purge`, also remove unmanaged subdirectories."),
          ParameterSpec.bool("recurse",
              "With `ensure: 'directory'`: also enforce `owner`, `group` and `mode` on"
                  + " everything beneath (directories get the search bit where read is set)."
                  + " Paths other `file` resources manage, and what lies beneath them, are"
                  + " left to those. Symbolic links are never followed."),
          ParameterSpec.bool("purge",
              "With `recurse`: remove everything beneath the directory that no `file`"
                  + " resource manages (files are backed up first). An unmanaged subdirectory"
                  + " is removed only with `force`; without it, it is left as it is with a"
                  + " note in the report, and the run goes on."),
          ParameterSpec.integer("recurselimit",
              "With `recurse`: how many levels beneath the directory recursion and purge"
                  + " reach (1: only its own entries). Unset: no limit."),
          ParameterSpec.bool("replace",
              "Whether to replace the content of an existing file. `false`: the file is"
                  + " created with `content` or `source` when missing and its content is"
                  + " never compared or overwritten afterwards (mode, owner and group still"
                  + " are); a symbolic link standing there is kept, as in Puppet.")
              .withDefault(true),
          ParameterSpec.string("validate_cmd",
              "A command that checks new content before it is put in place, e.g. `visudo"
                  + " -cf %` or `sh -n %`: the content is written to a temporary file beside"
                  + " the path, `%` is replaced by that file's path and the command runs"
                  + " through `/bin/sh -c`. A non-zero exit leaves the path as it was and"
                  + " fails the resource with the command's output. Not run in noop; under a"
                  + " `--root` other than `/` commands are not run, so such a file fails.")
              .checkedBy(Validators.VALIDATE_CMD),
          ParameterSpec.bool("show_diff",
              "Whether content changes carry a diff into reports and logs. `false` for"
                  + " files whose content must not leave the machine: only the sha256 digests"
                  + " are reported.").withDefault(true)))
      .withAutoEdges(AutoEdge.byParentOfTitle("file"), AutoEdge.byParameter("owner", "user"),
          AutoEdge.byParameter("group", "group"), AutoEdge.byParameter("source_ca", "file"));

  /** A Debian package, through apt-get and dpkg. */
  public static final ResourceTypeSpec PKG = new ResourceTypeSpec("pkg",
      "A Debian package, managed with apt-get and dpkg, non-interactively. The title is the"
          + " package name. All packages are read with one dpkg-query per run; `apt-get update`"
          + " runs only when a package is not found or the lists are older than a day."
          + " Candidates for `latest` come from one `apt-cache policy` per run for every"
          + " installed package, not one per resource. Each apt-get waits up to 120 s for"
          + " dpkg's lock (held by unattended-upgrades or another apt-get) instead of failing.",
      List.of(
          ParameterSpec.string("ensure",
              "`installed` (any version), `latest` (the candidate version), `absent`"
                  + " (removed, configuration kept), `purged` (removed with its configuration)"
                  + " or an exact version such as `2.10-3`.").withDefault("installed")));

  /** A system service, through systemd or init scripts. */
  public static final ResourceTypeSpec SERVICE = new ResourceTypeSpec("service",
      "A system service. The title is the service name. Uses systemd when systemd is the"
          + " running init system, else the init script through `service` and `update-rc.d`."
          + " Refreshed (through notifies/subscribes) it restarts, when it is meant to run.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("running", "stopped"),
              "Whether the service should be running now."),
          ParameterSpec.bool("enable", "Whether the service should start at boot."),
          ParameterSpec.oneOf("provider", List.of("systemd", "init"),
              "Force a provider instead of choosing by the running init system.")))
      .withAutoEdges(AutoEdge.byTitle("pkg"));

  /** A local user account. */
  public static final ResourceTypeSpec USER = new ResourceTypeSpec("user",
      "A local user account, managed with useradd, usermod and userdel and observed in"
          + " /etc/passwd and /etc/group. The title is the login name.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("present", "absent"),
              "Whether the account exists.").withDefault("present"),
          ParameterSpec.integer("uid", "Numeric user id. Unset: chosen by useradd."),
          ParameterSpec.string("gid",
              "Primary group, by name or number. Unset: chosen by useradd (a group named"
                  + " like the user).").checkedBy(Validators.GROUP_NAME_OR_ID),
          ParameterSpec.string("home", "Home directory. Unset: chosen by useradd."),
          ParameterSpec.string("shell", "Login shell."),
          ParameterSpec.string("comment", "The GECOS field (full name)."),
          ParameterSpec.list("groups",
              "Supplementary groups, the exact set (groups not listed are left).")
              .checkedBy(Validators.GROUP_NAME),
          ParameterSpec.bool("managehome",
              "Create the home directory with the account, and remove it with the account.")
              .withDefault(false),
          ParameterSpec.bool("system",
              "Create a system account (uid below 1000). Only used on creation.")
              .withDefault(false),
          ParameterSpec.string("password",
              "The password hash as /etc/shadow holds it (crypt(3) format, e.g. `$6$...`),"
                  + " set with `usermod -p`. Give it as `secret(...)`: reports then show the"
                  + " secret's mark. Neither it nor the hash found on the machine is ever"
                  + " reported; a plain string shows as `[secret sha256:...]`, a digest.").checkedBy(Validators.PASSWORD_HASH),
          ParameterSpec.string("expiry",
              "The date the account expires, `YYYY-MM-DD`, or `absent` for never (set with"
                  + " `usermod -e`, removed with `chage -E -1`).")
              .checkedBy(Validators.EXPIRY_DATE),
          ParameterSpec.bool("purge_ssh_keys",
              "Remove the keys of ~/.ssh/authorized_keys that no `ssh_key` resource of the"
                  + " catalog names for this user (reported as property `ssh_keys`, listing"
                  + " the removed keys by comment). Comments and blank lines stay.")
              .withDefault(false)))
      .withTitleRule(Validators.USER_NAME)
      .withAutoEdges(AutoEdge.byParameter("gid", "group"),
          AutoEdge.byParameter("groups", "group"));

  /** A local group. */
  public static final ResourceTypeSpec GROUP = new ResourceTypeSpec("group",
      "A local group, managed with groupadd, groupmod, gpasswd and groupdel and observed in"
          + " /etc/group. The title is the group name.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("present", "absent"),
              "Whether the group exists.").withDefault("present"),
          ParameterSpec.integer("gid", "Numeric group id. Unset: chosen by groupadd."),
          ParameterSpec.list("members", "The exact set of member users.")
              .checkedBy(Validators.USER_NAME),
          ParameterSpec.bool("system",
              "Create a system group (gid below 1000). Only used on creation.")
              .withDefault(false)))
      .withTitleRule(Validators.GROUP_NAME);

  /** One authorized SSH key of a user. */
  public static final ResourceTypeSpec SSH_KEY = new ResourceTypeSpec("ssh_key",
      "One line of a user's ~/.ssh/authorized_keys, identified by its key. The title is a"
          + " name for it, used as the key comment unless `comment` is set. The directory"
          + " and file are created owned by the user with modes 0700 and 0600; writes are"
          + " atomic; other lines are kept. With `ensure present`, an existing directory or"
          + " file with another mode or owner (sshd's StrictModes would ignore the keys) is"
          + " corrected and reported as property `ssh_dir` or `authorized_keys`, e.g."
          + " `0755 0:0` to `0700 1000:1000`.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("present", "absent"),
              "Whether the key is authorized.").withDefault("present"),
          ParameterSpec.string("user", "The user whose key it is (required).").required()
              .checkedBy(Validators.USER_NAME),
          ParameterSpec.string("type", "The key type, e.g. `ssh-ed25519`.")
              .withDefault("ssh-ed25519"),
          ParameterSpec.string("key", "The base64 key material (required).").required(),
          ParameterSpec.string("comment", "The comment after the key.").withTitleDefault()))
      .withAutoEdges(AutoEdge.byParameter("user", "user"));

  /** A command to run. */
  public static final ResourceTypeSpec EXEC = new ResourceTypeSpec("exec",
      "A command, run through `/bin/sh -c`. It runs on every run unless `creates`, `onlyif`,"
          + " `unless` or `refreshonly` say otherwise; a non-zero exit fails the resource."
          + " Its output goes into the report, at most 4 KiB (the end of it).",
      List.of(
          ParameterSpec.string("command", "The shell command.").withTitleDefault(),
          ParameterSpec.string("creates",
              "An absolute path: run only when it does not exist."),
          ParameterSpec.string("onlyif", "A shell command: run only when it exits 0."),
          ParameterSpec.string("unless", "A shell command: run only when it does not exit 0."),
          ParameterSpec.bool("refreshonly",
              "Run only when refreshed by a notifying resource that changed.")
              .withDefault(false),
          ParameterSpec.integer("timeout",
              "Seconds before the command (and onlyif/unless) is killed.").withDefault(300L),
          ParameterSpec.string("user", "Run as this user (through runuser).")
              .checkedBy(Validators.USER_NAME),
          ParameterSpec.string("cwd", "Working directory.").withDefault("/"),
          ParameterSpec.map("environment",
              "Extra environment variables, name to value.")))
      .withAutoEdges(AutoEdge.byParameter("user", "user"),
          AutoEdge.byParameter("cwd", "file"));

  /** One entry of a user's crontab. */
  public static final ResourceTypeSpec CRON = new ResourceTypeSpec("cron",
      "One entry of a user's crontab, identified by a `# stead: TITLE` marker line above it;"
          + " read and written with `crontab -l -u` and `crontab -u USER -`. Other entries"
          + " are kept. `environment` lines go between the marker and the entry.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("present", "absent"),
              "Whether the entry exists.").withDefault("present"),
          ParameterSpec.string("command", "The command (required when present).")
              .requiredWhenPresent(),
          ParameterSpec.string("user", "Whose crontab.").withDefault("root")
              .checkedBy(Validators.USER_NAME),
          ParameterSpec.string("minute", "Minute field, 0-59.").withDefault("*")
              .checkedBy(Validators.CRON_MINUTE),
          ParameterSpec.string("hour", "Hour field, 0-23.").withDefault("*")
              .checkedBy(Validators.CRON_HOUR),
          ParameterSpec.string("monthday", "Day-of-month field, 1-31.").withDefault("*")
              .checkedBy(Validators.CRON_MONTHDAY),
          ParameterSpec.string("month", "Month field, 1-12 or jan-dec.").withDefault("*")
              .checkedBy(Validators.CRON_MONTH),
          ParameterSpec.string("weekday", "Day-of-week field, 0-7 (0 and 7: Sunday) or"
              + " sun-sat.").withDefault("*").checkedBy(Validators.CRON_WEEKDAY),
          ParameterSpec.oneOf("special", List.of("reboot", "yearly", "annually", "monthly",
              "weekly", "daily", "hourly"),
              "A cron shorthand instead of the time fields, written `@daily` and so on;"
                  + " not allowed together with minute, hour, monthday, month or weekday."),
          ParameterSpec.list("environment",
              "Lines `NAME=value` placed before the entry (they apply to the entries after"
                  + " them, as cron reads a crontab).").checkedBy(Validators.CRON_ENVIRONMENT)))
      .withAutoEdges(AutoEdge.byParameter("user", "user"));

  /** One /etc/hosts entry. */
  public static final ResourceTypeSpec HOST = new ResourceTypeSpec("host",
      "One entry of /etc/hosts. The title is the canonical host name; the entry is the line"
          + " whose first name it is. Other lines and comments are kept.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("present", "absent"),
              "Whether the entry exists.").withDefault("present"),
          ParameterSpec.string("ip", "The address (required when present).")
              .requiredWhenPresent(),
          ParameterSpec.list("aliases", "Further names, in order.").withDefault(List.of())));

  /** One line of a file. */
  public static final ResourceTypeSpec LINE = new ResourceTypeSpec("line",
      "One line of an existing file. Present: when no line equals `line`, the first line"
          + " matching `match` is replaced by it, else it is appended. Absent: lines equal to"
          + " `line` (or matching `match`, when given) are removed. Writes are atomic and keep"
          + " the file's mode and owner. A line in a file whose whole content a `file` sets"
          + " (`content` or `source`) is refused when compiled: the two would undo each other"
          + " on every run.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("present", "absent"),
              "Whether the line is in the file.").withDefault("present"),
          ParameterSpec.string("path", "Absolute path of the file (required).").required(),
          ParameterSpec.string("line", "The whole line, without its newline (required)."),
          ParameterSpec.string("match",
              "A Java regular expression a line must match (find) to be replaced or"
                  + " removed.")))
      .withAutoEdges(AutoEdge.byParameter("path", "file"));

  /** A kernel parameter. */
  public static final ResourceTypeSpec SYSCTL = new ResourceTypeSpec("sysctl",
      "A kernel parameter. The title is its key, e.g. `net.ipv4.ip_forward`. The running"
          + " value is written under /proc/sys; the value is persisted in"
          + " /etc/sysctl.d/99-stead.conf so it holds after a reboot.",
      List.of(
          ParameterSpec.string("value",
              "The value; runs of blanks compare equal (required).").required(),
          ParameterSpec.bool("persist",
              "Also keep the value in /etc/sysctl.d/99-stead.conf.").withDefault(true)));

  /** One key of an INI-style file. */
  public static final ResourceTypeSpec INI_SETTING = new ResourceTypeSpec("ini_setting",
      "One key of an INI-style file (`[section]` headers, `key = value` lines). The title is"
          + " a name for it. Comments (`#`, `;`), blank lines and the order of everything else"
          + " are kept; a key written more than once in its section gets the value on every"
          + " line. A missing key is added after the last key of its section (or its header),"
          + " a missing section at the end of the file; a missing file is created with mode 0644."
          + " Writes are atomic and keep the file's mode and owner.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("present", "absent"),
              "Whether the key is in the file.").withDefault("present"),
          ParameterSpec.string("path", "Absolute path of the file (required).").required(),
          ParameterSpec.string("section",
              "The section's name, without brackets (required); `''` means the keys before"
                  + " the first section header.").required(),
          ParameterSpec.string("setting", "The key (required).").required(),
          ParameterSpec.string("value",
              "The value; compared without surrounding blanks (required when present).")
              .requiredWhenPresent(),
          ParameterSpec.string("key_val_separator",
              "What is written between key and value; its non-blank part (`=` or `:`) is"
                  + " what separates them when the file is read.").withDefault(" = ")))
      .withAutoEdges(AutoEdge.byParameter("path", "file"));

  /** A file system's fstab entry and whether it is mounted. */
  public static final ResourceTypeSpec MOUNT = new ResourceTypeSpec("mount",
      "A file system: its entry in the fstab file and whether it is mounted. The title is the"
          + " mount point, an absolute path that must exist (manage it with a `file`"
          + " resource). The entry is the line whose second field is the mount point; it is"
          + " compared field by field, so its spacing is kept when equal, and other lines are"
          + " kept. Mounted state is read from /proc/self/mounts: a mount of another device"
          + " or file system type is unmounted and replaced (a loop device counts as the"
          + " file behind it; `UUID=` and `LABEL=` as the device they name). Mounting uses"
          + " `mount -t FSTYPE -o OPTIONS DEVICE MOUNTPOINT`, so it does not depend on which"
          + " fstab file is managed. When the entry's options change on a mounted file"
          + " system, and when refreshed (through notifies/subscribes), it is remounted with"
          + " `mount -o remount,OPTIONS`.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("mounted", "unmounted", "present", "absent"),
              "`mounted`: in the fstab file and mounted; `unmounted`: in the fstab file, not"
                  + " mounted; `present`: in the fstab file, mounted or not as it is;"
                  + " `absent`: neither.").withDefault("mounted"),
          ParameterSpec.string("device",
              "What to mount: a device, `UUID=...`, `LABEL=...`, an image file or a name"
                  + " such as `tmpfs` (required unless absent)."),
          ParameterSpec.string("fstype",
              "The file system type, e.g. `ext4` or `tmpfs` (required unless absent)."),
          ParameterSpec.string("options", "Mount options, comma-separated.")
              .withDefault("defaults"),
          ParameterSpec.integer("dump", "The fstab dump field.").withDefault(0L),
          ParameterSpec.integer("pass", "The fstab fsck order field.").withDefault(0L),
          ParameterSpec.string("target", "The fstab file to manage, an absolute path.")
              .withDefault("/etc/fstab")))
      .withAutoEdges(AutoEdge.byTitle("file"), AutoEdge.byParameter("target", "file"));

  /** An nftables table that Stead owns, replaced atomically when it differs. */
  public static final ResourceTypeSpec FIREWALL = new ResourceTypeSpec("firewall",
      "An nftables table that Stead owns: its chains and rules, given as `chains` or as"
          + " `ruleset` text. The title names the table unless `table` is given. The desired"
          + " table is first loaded into a throwaway network namespace (`unshare --net`), so"
          + " nft itself says what it means; that listing (`nft -s list table`: counters"
          + " left out) is compared with the live table's, and any difference, such as a rule"
          + " added by hand, is out of sync (reported as property `ruleset`, `sha256:` of the"
          + " listing, with a diff). To apply, one script deletes and re-creates the table"
          + " and is checked with `nft -c -f` before `nft -f` loads it in one transaction: a"
          + " ruleset nft refuses is never applied, and the failure quotes nft. Other tables"
          + " (Docker's, fail2ban's, iptables-nft's) are left alone unless `purge` is set."
          + " Interfaces other than `lo` are named with `iifname`/`oifname`: `iif`/`oif`"
          + " need the interface to exist in the throwaway namespace. Set elements that"
          + " rules add while packets flow (`add @set`) are a difference too.",
      List.of(
          ParameterSpec.oneOf("ensure", List.of("present", "absent"),
              "Whether the table exists.").withDefault("present"),
          ParameterSpec.oneOf("family", List.of("inet", "ip", "ip6", "arp", "bridge",
              "netdev"), "The table's address family.").withDefault("inet"),
          ParameterSpec.string("table", "The table's name.").withTitleDefault()
              .checkedBy(Validators.NFT_NAME),
          ParameterSpec.map("chains",
              "The table's chains, name to a map with `hook` (`input`, `forward`, `output`,"
                  + " `prerouting`, `postrouting`, `ingress`; unset: a regular chain for"
                  + " `jump`), `type` (`filter`, `nat`, `route`; default `filter`),"
                  + " `priority` (a number or a name such as `filter`; default 0), `policy`"
                  + " (`accept` or `drop`, base chains only) and `rules`, a list of nft rules"
                  + " such as `tcp dport 22 accept`, in order. Not with `ruleset`."),
          ParameterSpec.string("ruleset",
              "The table's body in nft syntax (what goes between `table inet stead {` and"
                  + " `}`: chains, sets, maps), e.g. from data. It may define nothing outside"
                  + " the table. Not with `chains`."),
          ParameterSpec.bool("purge",
              "Delete every other table of the network namespace that no `firewall`"
                  + " resource of the catalog names (reported as property `purge`), in the"
                  + " same transaction.").withDefault(false),
          ParameterSpec.string("netns",
              "A named network namespace (`ip netns add NAME`) to manage instead of the"
                  + " agent's own: every nft command runs through `ip netns exec NAME`."
                  + " Unset: the namespace the agent runs in, so `ip netns exec NAME stead"
                  + " apply` manages that namespace too.")
              .checkedBy(Validators.NETNS_NAME)));

  /** An archive downloaded (or taken from a module) and unpacked into a directory. */
  public static final ResourceTypeSpec ARCHIVE = new ResourceTypeSpec("archive",
      "An archive (tar, tar.gz, tar.bz2 or zip, told apart by their first bytes) unpacked"
          + " into a directory. The title is the absolute path where the archive is kept while"
          + " it is unpacked (and afterwards, without `cleanup`, readable by root only). The"
          + " archive is fetched as a"
          + " `file` source is (a module file from the master, or an `https://` URL with"
          + " `checksum` and optional `source_ca`), checked against its checksum, then every"
          + " entry is checked before anything is written: an entry with an absolute name, a"
          + " `..` part, a symbolic or hard link leading out of `extract_path`, or a device or"
          + " pipe refuses the whole archive, and so does a path beneath `extract_path` that"
          + " would be written through a symbolic link. Files are written atomically with the"
          + " archive's permission bits (without setuid, setgid and sticky) and times; they"
          + " belong to `owner` and `group` when given, else to the agent's user. Its one"
          + " property is `extracted` (the archive's checksum): in sync when `creates` exists,"
          + " or, without `creates`, when the kept archive has the checksum. Nothing is"
          + " downloaded or unpacked when it is in sync, nor in noop.",
      List.of(
          ParameterSpec.string("source",
              "A module file, `module/path` or `stead:///modules/module/path` (the compiler"
                  + " sets `checksum`), or an `https://` URL (the code gives `checksum`)"
                  + " (required).").required(),
          ParameterSpec.string("checksum",
              "`sha256:<hex>` of the archive: set by the compiler for a module file, written"
                  + " in code for an `https://` source."),
          ParameterSpec.string("source_ca",
              "With an `https://` source: an absolute path to a PEM file of the only CAs to"
                  + " trust for the download.").checkedBy(Validators.ABSOLUTE_PATH),
          ParameterSpec.string("extract_path",
              "The directory to unpack into, an absolute path that must exist (manage it with"
                  + " a `file` resource) (required).").required()
              .checkedBy(Validators.ABSOLUTE_PATH),
          ParameterSpec.string("creates",
              "An absolute path the archive creates: when it exists, the archive counts as"
                  + " unpacked and nothing is fetched. Put a version in it"
                  + " (`/opt/app-1.2/bin/app`) so that a new archive is unpacked. Without it,"
                  + " the kept archive is what says it was unpacked (it is hashed on each"
                  + " run).").checkedBy(Validators.ABSOLUTE_PATH),
          ParameterSpec.bool("cleanup",
              "Remove the archive once it is unpacked (needs `creates`).").withDefault(false),
          ParameterSpec.string("owner", "Owning user of the unpacked files and directories.")
              .checkedBy(Validators.USER_NAME),
          ParameterSpec.string("group", "Owning group of the unpacked files and directories.")
              .checkedBy(Validators.GROUP_NAME)))
      .withTitleRule(Validators.ABSOLUTE_PATH)
      .withAutoEdges(AutoEdge.byParentOfTitle("file"), AutoEdge.byParameter("extract_path",
          "file"), AutoEdge.byParameter("source_ca", "file"), AutoEdge.byParameter("owner",
          "user"), AutoEdge.byParameter("group", "group"));

  /** A message printed when the catalog is applied. */
  public static final ResourceTypeSpec NOTIFY = new ResourceTypeSpec("notify",
      "A message printed at apply time (`notice: <message>` in `stead apply` and the agent's"
          + " log) and recorded in the report. The title is the message unless `message` is"
          + " given. As in Puppet it changes on every real run, so a catalog with a notify"
          + " always exits 2 from `stead apply`; a noop or audit run prints nothing and finds"
          + " it in sync. It manages no property of the machine, so it is never drift.",
      List.of(
          ParameterSpec.string("message", "The text to print; the title when not given.")
              .withTitleDefault()));

  private static final Map<String, ResourceTypeSpec> ALL = index(List.of(FILE, PKG, SERVICE,
      USER, GROUP, SSH_KEY, EXEC, CRON, HOST, LINE, SYSCTL, NOTIFY, INI_SETTING,
      MOUNT, FIREWALL, ARCHIVE));

  private ResourceTypes() {}

  private static Map<String, ResourceTypeSpec> index(List<ResourceTypeSpec> specs) {
    Map<String, ResourceTypeSpec> out = new TreeMap<>();
    for (ResourceTypeSpec spec : specs) {
      if (out.put(spec.name(), spec) != null) {
        throw new IllegalStateException("resource type registered twice: " + spec.name());
      }
    }
    return Map.copyOf(out);
  }

  public static Optional<ResourceTypeSpec> find(String name) {
    return Optional.ofNullable(ALL.get(name));
  }

  /** All types, sorted by name. */
  public static Collection<ResourceTypeSpec> all() {
    return new TreeMap<>(ALL).values();
  }
}
