package dev.stead.types;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The value rules resource parameters share. */
public final class Validators {
  // As useradd and groupadd accept them on Debian (NAME_REGEX without the trailing `$`).
  private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z_][a-z0-9_.\\-]{0,31}");
  private static final Pattern OCTAL_MODE = Pattern.compile("0?[0-7]{3}");
  private static final Pattern NFT_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]{0,63}");
  private static final Pattern CRON_VARIABLE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=[^\\n\\r\\x00]*");

  /** A login name as useradd accepts it. */
  public static final Validator USER_NAME = value -> ACCOUNT_NAME.matcher(value).matches()
      ? null : "must be a user name such as www-data (lower case, at most 32 characters)";

  /** A group name as groupadd accepts it. */
  public static final Validator GROUP_NAME = value -> ACCOUNT_NAME.matcher(value).matches()
      ? null : "must be a group name such as adm (lower case, at most 32 characters)";

  /** A group by name or by number. */
  public static final Validator GROUP_NAME_OR_ID = value ->
      value.chars().allMatch(c -> c >= '0' && c <= '9') && !value.isEmpty()
          || ACCOUNT_NAME.matcher(value).matches()
          ? null : "must be a group name or number";

  /**
   * Permission bits as octal digits. A leading digit other than 0 would ask for setuid,
   * setgid or sticky bits, which the agent does not set.
   */
  public static final Validator FILE_MODE = value -> OCTAL_MODE.matcher(value).matches()
      ? null : "must be an octal string of 3 or 4 digits, e.g. '0644' (setuid, setgid and"
          + " sticky bits are not supported)";

  /** An absolute path without {@code .} or {@code ..} parts, as the agent re-bases it. */
  public static final Validator ABSOLUTE_PATH = value -> value.startsWith("/")
      && value.indexOf('\n') < 0 && value.indexOf(0) < 0
      && List.of(value.split("/")).stream().noneMatch(p -> p.equals(".") || p.equals(".."))
      ? null : "must be an absolute path without `.` or `..` parts, e.g. /opt/app";

  /** A file's validate_cmd: it must say where the file to check goes. */
  public static final Validator VALIDATE_CMD = value -> value.contains("%") ? null
      : "must contain `%`, which is replaced by the path of the file to check";

  /**
   * A crypt(3) hash or a locked/empty marker as /etc/shadow holds it: no `:` or newline,
   * which would break the file's fields.
   */
  public static final Validator PASSWORD_HASH = value ->
      value.indexOf(':') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0
          && value.indexOf(0) < 0 && !value.isBlank()
          ? null : "must be a password hash such as $6$salt$hash (no `:`, no newline)";

  /** An nftables table or chain name that nft accepts unquoted. */
  public static final Validator NFT_NAME = value -> NFT_IDENTIFIER.matcher(value).matches()
      ? null : "must be an nftables name such as stead (a letter or `_`, then letters,"
          + " digits or `_`, at most 64 characters)";

  /** A network namespace as {@code ip netns add} names it under /run/netns. */
  public static final Validator NETNS_NAME = value -> NETNS.matcher(value).matches()
      ? null : "must be a network namespace name such as blue (letters, digits, `.`, `_`"
          + " or `-`, not starting with `.`)";

  /** An account expiry: a calendar date or {@code absent}. */
  public static final Validator EXPIRY_DATE = value -> {
    if (value.equals("absent")) {
      return null;
    }
    try {
      if (value.length() == 10) {
        java.time.LocalDate.parse(value);
        return null;
      }
    } catch (java.time.format.DateTimeParseException e) {
      // falls through to the message
    }
    return "must be a date YYYY-MM-DD, e.g. 2027-01-31, or 'absent'";
  };

  /** One crontab environment line: NAME=value on one line. */
  public static final Validator CRON_ENVIRONMENT = value ->
      CRON_VARIABLE.matcher(value).matches()
          ? null : "must be one line NAME=value, e.g. MAILTO=ops@example.com";

  public static final Validator CRON_MINUTE = new CronField("minute", 0, 59, List.of());
  public static final Validator CRON_HOUR = new CronField("hour", 0, 23, List.of());
  public static final Validator CRON_MONTHDAY = new CronField("day of month", 1, 31, List.of());
  public static final Validator CRON_MONTH = new CronField("month", 1, 12, List.of("jan", "feb",
      "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"));
  // cron counts Sunday as both 0 and 7.
  public static final Validator CRON_WEEKDAY = new CronField("day of week", 0, 7,
      List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat"));

  private Validators() {}

  /**
   * One time field of a crontab line as cron(8) reads it: {@code *}, a number, a range
   * {@code a-b}, either with a step {@code /n}, or a comma list of those; names (jan, mon)
   * stand for their numbers.
   */
  private record CronField(String what, int min, int max, List<String> names)
      implements Validator {
    @Override
    public String problem(String value) {
      if (value.isEmpty()) {
        return wanted();
      }
      for (String item : value.split(",", -1)) {
        if (!itemFits(item)) {
          return wanted();
        }
      }
      return null;
    }

    private boolean itemFits(String item) {
      String range = item;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        Integer step = number(item.substring(slash + 1));
        if (step == null || step < 1 || step > max) {
          return false;
        }
      }
      if (range.equals("*")) {
        return true;
      }
      int dash = range.indexOf('-');
      if (dash < 0) {
        return slash < 0 && value(range) != null;
      }
      Integer low = value(range.substring(0, dash));
      Integer high = value(range.substring(dash + 1));
      return low != null && high != null && low <= high;
    }

    private Integer value(String text) {
      int named = names.indexOf(text.toLowerCase(Locale.ROOT));
      if (named >= 0) {
        return min + named;
      }
      Integer n = number(text);
      return n != null && n >= min && n <= max ? n : null;
    }

    private static Integer number(String text) {
      if (text.isEmpty() || text.length() > 3
          || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      return Integer.parseInt(text);
    }

    private String wanted() {
      return "must be a cron " + what + " field: *, " + min + "-" + max
          + (names.isEmpty() ? "" : " or a name such as " + names.get(0))
          + ", a range a-b, a step */n or a-b/n, or a comma list of these";
    }
  }
}
