package dev.strata.web.branches;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BranchNodeTest {

    private static final Instant AT = Instant.parse("2026-12-06T10:15:30Z");

    @Test
    void nestedListsWithLinksStatusAndBranchPointAndTheCurrentDatabaseMarked() {
        BranchNode grandchild = new BranchNode("db_3", "Orders test", "orders-test", "provisioning", AT, false, null, List.of());
        BranchNode child = new BranchNode("db_2", "Orders branch", "orders-branch", "ready", AT, true, null, List.of(grandchild));
        BranchNode root = new BranchNode("db_1", "Orders", "orders", "ready", null, false, null, List.of(child));

        assertThat(root.size()).isEqualTo(3);
        assertThat(root.html("/ctx")).isEqualTo("<ul class=\"branch-tree\" id=\"branchTree\">"
                + "<li data-id=\"db_1\"><a href=\"/ctx/databases/detail.xhtml?id=db_1\">Orders</a> <span class=\"badge badge-ready\">ready</span>"
                + "<ul><li data-id=\"db_2\"><strong aria-current=\"page\">Orders branch</strong> <span class=\"muted small\">(this database)</span>"
                + " <span class=\"badge badge-ready\">ready</span> <span class=\"muted small\">branched at 2026-12-06 10:15:30 UTC</span>"
                + "<ul><li data-id=\"db_3\"><a href=\"/ctx/databases/detail.xhtml?id=db_3\">Orders test</a>"
                + " <span class=\"badge badge-provisioning\">provisioning</span> <span class=\"muted small\">branched at 2026-12-06 10:15:30 UTC</span>"
                + "</li></ul></li></ul></li></ul>");
    }

    @Test
    void namesAreEscapedAndADeletedOriginIsSaid() {
        BranchNode root = new BranchNode("db_9", "<b>\"x\" & 'y'</b>", "x", "ready", AT, false, "db_0", List.of());
        String html = root.html("");
        assertThat(html).contains(">&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;</a>")
                .contains("branch of db_0 (deleted)")
                .doesNotContain("<b>");
    }
}
