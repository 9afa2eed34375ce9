package dev.stead.agent.resource.file;

import dev.stead.agent.fs.Sha256;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.proto.v1.Resource;
import dev.stead.proto.v1.Value;
import dev.stead.types.ParameterSpec;
import dev.stead.types.ResourceTypes;
import dev.stead.wire.SourceFiles;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The desired state of one {@code file} resource, parsed and checked. Null fields are
 * unmanaged ("leave it alone"). {@code ensure} is the effective one: set, or implied by
 * {@code content} or {@code source} (file) or {@code target} (link). Immutable.
 */
record FileSpec(String path, FileKind ensure, String content, String mode, String owner,
    String group, String target, boolean force, boolean recurse, boolean purge, String source,
    String checksum, String sourceCa, boolean replace, String validateCmd, boolean showDiff,
    int recurseLimit) {

  // The same rule the compiler applies: FileSpec reads the map directly, not through Params.
  private static final ParameterSpec MODE_RULE = ResourceTypes.FILE.parameter("mode").orElseThrow();
  private static final ParameterSpec VALIDATE_RULE =
      ResourceTypes.FILE.parameter("validate_cmd").orElseThrow();
  /** The type's parameter names, once: looking each up streams over the type's list. */
  private static final Set<String> PARAMETERS =
      Set.copyOf(ResourceTypes.FILE.parametersByName().keySet());

  static FileSpec parse(Resource resource) throws InvalidResourceException {
    Map<String, Value> p = resource.getParametersMap();
    for (String name : p.keySet()) {
      if (!PARAMETERS.contains(name)) {
        throw new InvalidResourceException("unknown parameter `" + name + "`");
      }
    }
    String path = resource.getTitle();
    if (!path.startsWith("/")) {
      throw new InvalidResourceException("the title must be an absolute path, got `" + path + "`");
    }
    String ensureText = string(p, "ensure");
    String content = string(p, "content");
    String target = string(p, "target");
    String source = string(p, "source");
    String checksum = string(p, "checksum");
    FileKind ensure = null;
    if (ensureText != null) {
      ensure = FileKind.ofEnsure(ensureText);
      if (ensure == null) {
        throw new InvalidResourceException("`ensure` must be file, directory, link or absent, got `"
            + ensureText + "`");
      }
    } else if (content != null || source != null) {
      ensure = FileKind.FILE;
    } else if (target != null) {
      ensure = FileKind.LINK;
    }
    if (content != null && ensure != FileKind.FILE) {
      throw new InvalidResourceException("`content` needs ensure file, not " + ensure.token());
    }
    if (source != null && content != null) {
      throw new InvalidResourceException("`source` and `content` exclude each other");
    }
    if (source != null && ensure != FileKind.FILE) {
      throw new InvalidResourceException("`source` needs ensure file, not " + ensure.token());
    }
    if (source != null && !SourceFiles.isChecksum(checksum)) {
      throw new InvalidResourceException("`source` needs `checksum` as sha256:<64 hex digits>"
          + (SourceFiles.isHttps(source) ? "" : " (the compiler sets it)") + ", got `"
          + checksum + "`");
    }
    if (source == null && checksum != null) {
      throw new InvalidResourceException("`checksum` is only meaningful with `source`");
    }
    String sourceCa = string(p, "source_ca");
    if (sourceCa != null && !SourceFiles.isHttps(source)) {
      throw new InvalidResourceException("`source_ca` is only for an https:// `source`");
    }
    if (sourceCa != null && !sourceCa.startsWith("/")) {
      throw new InvalidResourceException("`source_ca` must be an absolute path, got `"
          + sourceCa + "`");
    }
    if (target != null && ensure != FileKind.LINK) {
      throw new InvalidResourceException("`target` needs ensure link, not " + ensure.token());
    }
    if (ensure == FileKind.LINK && target == null) {
      throw new InvalidResourceException("ensure link needs `target`");
    }
    String mode = string(p, "mode");
    if (mode != null) {
      String problem = MODE_RULE.problem(mode);
      if (problem != null) {
        throw new InvalidResourceException("`mode` " + problem + ", got `" + mode + "`");
      }
      mode = mode.length() == 3 ? "0" + mode : mode;
    }
    Value force = p.get("force");
    if (force != null && force.getKindCase() != Value.KindCase.BOOL_VALUE) {
      throw new InvalidResourceException("`force` must be true or false");
    }
    boolean recurse = flag(p, "recurse");
    boolean purge = flag(p, "purge");
    boolean replace = flagOrDefault(p, "replace");
    boolean showDiff = flagOrDefault(p, "show_diff");
    String validateCmd = string(p, "validate_cmd");
    if (validateCmd != null) {
      String problem = VALIDATE_RULE.problem(validateCmd);
      if (problem != null) {
        throw new InvalidResourceException("`validate_cmd` " + problem + ", got `"
            + validateCmd + "`");
      }
      if (ensure != FileKind.FILE) {
        throw new InvalidResourceException("`validate_cmd` needs ensure file (content or"
            + " source)");
      }
    }
    int recurseLimit = 0;
    Value limit = p.get("recurselimit");
    if (limit != null) {
      if (limit.getKindCase() != Value.KindCase.INT_VALUE || limit.getIntValue() < 1) {
        throw new InvalidResourceException("`recurselimit` must be a whole number of levels,"
            + " 1 or more");
      }
      if (!recurse) {
        throw new InvalidResourceException("`recurselimit` needs `recurse: true`");
      }
      recurseLimit = (int) Math.min(Integer.MAX_VALUE, limit.getIntValue());
    }
    if (recurse && ensure != FileKind.DIRECTORY) {
      throw new InvalidResourceException("`recurse` needs ensure directory");
    }
    if (purge && !recurse) {
      throw new InvalidResourceException("`purge` needs `recurse: true` (it removes what"
          + " recursion finds unmanaged)");
    }
    return new FileSpec(path, ensure, content, mode, string(p, "owner"), string(p, "group"),
        target, force != null && force.getBoolValue(), recurse, purge, source, checksum,
        sourceCa, replace, validateCmd, showDiff, recurseLimit);
  }

  private static boolean flag(Map<String, Value> parameters, String name)
      throws InvalidResourceException {
    Value v = parameters.get(name);
    if (v != null && v.getKindCase() != Value.KindCase.BOOL_VALUE) {
      throw new InvalidResourceException("`" + name + "` must be true or false");
    }
    return v != null && v.getBoolValue();
  }

  /** A flag whose unset value is the schema's default. */
  private static boolean flagOrDefault(Map<String, Value> parameters, String name)
      throws InvalidResourceException {
    if (parameters.containsKey(name)) {
      return flag(parameters, name);
    }
    return (Boolean) ResourceTypes.FILE.parameter(name).orElseThrow().defaultValue();
  }

  private static String string(Map<String, Value> parameters, String name)
      throws InvalidResourceException {
    Value v = parameters.get(name);
    if (v == null) {
      return null;
    }
    if (v.getKindCase() != Value.KindCase.STRING_VALUE) {
      throw new InvalidResourceException("`" + name + "` must be a string");
    }
    return v.getStringValue();
  }

  /** The mode to enforce on a path that is {@code kind} now: directories get search bits. */
  String modeFor(FileKind kind) {
    return kind == FileKind.DIRECTORY ? Modes.forDirectory(mode) : mode;
  }

  byte[] contentBytes() {
    return content.getBytes(StandardCharsets.UTF_8);
  }

  /** Every managed property with its desired value, rendered as events show it. */
  Map<String, String> desired() {
    return desired(content == null ? null : "sha256:" + Sha256.hex(contentBytes()));
  }

  /** As {@link #desired()}, with the content's digest already known ({@code sha256:…}). */
  Map<String, String> desired(String contentDigest) {
    Map<String, String> out = new LinkedHashMap<>();
    if (ensure != null) {
      out.put("ensure", ensure.token());
    }
    if (content != null) {
      out.put("content", contentDigest);
    }
    if (source != null) {
      // Reported as content, as for inline content: events and drift read the same.
      out.put("content", checksum);
    }
    if (target != null) {
      out.put("target", target);
    }
    if (mode != null && ensure != FileKind.LINK && ensure != FileKind.ABSENT) {
      out.put("mode", ensure == FileKind.DIRECTORY ? Modes.forDirectory(mode) : mode);
    }
    if (owner != null && ensure != FileKind.ABSENT) {
      out.put("owner", owner);
    }
    if (group != null && ensure != FileKind.ABSENT) {
      out.put("group", group);
    }
    // One property each for the whole tree, not one per child: the drift state stays small,
    // and a child that appears after an in-sync run is drift of this property.
    String beneath = beneath();
    if (recurse && !beneath.isEmpty()) {
      out.put("recurse", beneath);
    }
    if (purge) {
      out.put("purge", "absent");
    }
    return out;
  }

  /** What recursion enforces on children, as events show it; empty when nothing. */
  String beneath() {
    StringBuilder b = new StringBuilder();
    if (mode != null) {
      String directories = Modes.forDirectory(mode);
      b.append("mode ").append(mode);
      if (!directories.equals(mode)) {
        b.append(" (directories ").append(directories).append(')');
      }
    }
    if (owner != null) {
      b.append(b.length() > 0 ? ", " : "").append("owner ").append(owner);
    }
    if (group != null) {
      b.append(b.length() > 0 ? ", " : "").append("group ").append(group);
    }
    return b.toString();
  }
}
