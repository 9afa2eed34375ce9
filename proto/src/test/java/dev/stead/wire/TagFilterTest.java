package dev.stead.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stead.proto.v1.Catalog;
import dev.stead.proto.v1.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagFilterTest {
  private static Resource resource(String type, String title, List<String> containers,
      String... tags) {
    return Resource.newBuilder().setType(type).setTitle(title).addAllContainers(containers)
        .addAllTags(List.of(tags)).build();
  }

  private static final Catalog CATALOG = Catalog.newBuilder()
      .addResources(resource("pkg", "nginx", List.of("web::nginx")))
      .addResources(resource("file", "/etc/nginx.conf", List.of("web::nginx", "vhost[shop]"),
          "critical"))
      .addResources(resource("file", "/etc/motd", List.of()))
      .build();

  private static List<String> selected(TagFilter filter) {
    return filter.select(CATALOG).stream().map(ResourceKey::toString).sorted().toList();
  }

  @Test
  void automaticTagsNameTypeTitleContainersAndModule() {
    assertThat(ResourceTags.of(CATALOG.getResources(1))).containsExactly(
        "critical", "file", "nginx", "vhost", "web", "web::nginx");
    assertThat(ResourceTags.of(CATALOG.getResources(0))).contains("nginx", "pkg", "web");
  }

  @Test
  void tagsSelectAndSkipTagsLeaveOut() {
    assertThat(TagFilter.none().limits()).isFalse();
    assertThat(selected(TagFilter.of(List.of("web"), List.of())))
        .containsExactly("file[/etc/nginx.conf]", "pkg[nginx]");
    assertThat(selected(TagFilter.of(List.of("WEB"), List.of("critical"))))
        .containsExactly("pkg[nginx]");
    assertThat(selected(TagFilter.of(List.of(), List.of("web,pkg"))))
        .containsExactly("file[/etc/motd]");
    assertThat(TagFilter.of(List.of("b,a"), List.of("c")).toProto().getTagsList())
        .containsExactly("a", "b");
  }

  @Test
  void aBadTagIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> TagFilter.of(List.of(), List.of("ok", "/etc")))
        .hasMessage("--skip-tags: '/etc' is not a tag (lower-case letters, digits, _ : . -)");
  }
}
