package dev.stead.agent.resource.line;

import dev.stead.agent.fs.IoMessages;
import dev.stead.agent.resource.ApplyContext;
import dev.stead.agent.resource.Changes;
import dev.stead.agent.resource.Checkable;
import dev.stead.agent.resource.InvalidResourceException;
import dev.stead.agent.resource.Params;
import dev.stead.agent.resource.ResourceType;
import dev.stead.agent.resource.Result;
import dev.stead.agent.resource.TextFile;
import dev.stead.agent.resource.Watchable;
import dev.stead.proto.v1.Resource;
import dev.stead.types.ResourceTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code line} type. Its one property is {@code ensure}; the event's before is the line
 * that was there ({@code absent} when none) and after is the desired line (or
 * {@code absent}). The file must exist; it requires its {@code file} resource when managed.
 */
public final class LineType implements ResourceType {
  @Override
  public String name() {
    return ResourceTypes.LINE.name();
  }

  @Override
  public Checkable bind(Resource resource) throws InvalidResourceException {
    Params p = Params.of(resource, ResourceTypes.LINE);
    String path = p.string("path");
    if (path == null || !path.startsWith("/")) {
      throw new InvalidResourceException("`path` is required and must be absolute");
    }
    String line = p.singleLine("line");
    boolean present = p.string("ensure").equals("present");
    String match = p.string("match");
    if (line == null && (present || match == null)) {
      throw new InvalidResourceException("`line` is required (absent accepts `match` alone)");
    }
    Pattern pattern = null;
    if (match != null) {
      try {
        pattern = Pattern.compile(match);
      } catch (PatternSyntaxException e) {
        throw new InvalidResourceException("`match` is not a valid regular expression: "
            + e.getDescription() + " at index " + e.getIndex());
      }
      if (present && !pattern.matcher(line).find()) {
        // Otherwise each run would replace the match and then append the line again.
        throw new InvalidResourceException("`line` must itself match `match`, or runs would"
            + " never settle");
      }
    }
    return new LineResource(path, line, pattern, present);
  }

  private record LineResource(String path, String line, Pattern match, boolean present)
      implements Checkable, Watchable {
    @Override
    public List<WatchedPath> watchedPaths() {
      return List.of(new WatchedPath(path, false));
    }

    @Override
    public Result checkApply(ApplyContext context, boolean apply) {
      Changes changes = new Changes(apply).desire("ensure", present ? line : "absent");
      try {
        Path file = context.paths().resolve(path);
        Optional<List<String>> read = TextFile.read(file);
        if (read.isEmpty()) {
          return present
              ? changes.fail(path + " does not exist (manage it with a file resource)")
              : changes.result();
        }
        List<String> lines = read.get();
        List<String> out = new ArrayList<>(lines);
        String before;
        if (present) {
          if (lines.contains(line)) {
            return changes.result();
          }
          int at = -1;
          for (int i = 0; match != null && i < lines.size() && at < 0; i++) {
            at = match.matcher(lines.get(i)).find() ? i : -1;
          }
          before = at >= 0 ? lines.get(at) : "absent";
          if (at >= 0) {
            out.set(at, line);
          } else {
            out.add(line);
          }
        } else {
          out.removeIf(l -> match != null ? match.matcher(l).find() : l.equals(line));
          if (out.size() == lines.size()) {
            return changes.result();
          }
          before = lines.stream().filter(l -> !out.contains(l)).findFirst().orElse("present");
        }
        String after = changes.desired("ensure");
        if (apply) {
          try {
            TextFile.write(context, path, file, out, null);
          } catch (IOException e) {
            return changes.fail("ensure", before, after, IoMessages.describe(e));
          }
        }
        changes.record("ensure", before, after);
        return changes.result();
      } catch (IOException e) {
        return changes.fail("cannot read " + path + ": " + IoMessages.describe(e));
      }
    }
  }
}
