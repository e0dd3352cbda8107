package dev.strata.web.branches;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One database in a branch tree as the database page shows it: its branches below it. {@code current} marks the
 * database whose page it is; {@code deletedParent} is the id of the parent of the tree's top when that parent was
 * deleted (the top is then a branch whose origin is gone).
 *
 * <p>The tree is written out by {@link #html(String)} as nested lists: Facelets cannot recurse over data at render
 * time ({@code ui:include} inside {@code ui:repeat} recurses while the view is built), and a fixed depth of nested
 * repeats would hide deeper branches. Every text is escaped.
 */
public record BranchNode(String id, String name, String slug, String status, Instant branchPoint, boolean current, String deletedParent,
                         List<BranchNode> children) {

    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** How many databases the tree holds. */
    public int size() {
        return 1 + children.stream().mapToInt(BranchNode::size).sum();
    }

    /** The tree as {@code <ul id="branchTree">…</ul>}; links go to {@code contextPath}/databases/detail.xhtml. */
    public String html(String contextPath) {
        StringBuilder out = new StringBuilder("<ul class=\"branch-tree\" id=\"branchTree\">");
        item(out, contextPath, true);
        return out.append("</ul>").toString();
    }

    private void item(StringBuilder out, String contextPath, boolean top) {
        out.append("<li data-id=\"").append(escape(id)).append("\">");
        if (current) {
            out.append("<strong aria-current=\"page\">").append(escape(name)).append("</strong> <span class=\"muted small\">(this database)</span>");
        } else {
            out.append("<a href=\"").append(escape(contextPath)).append("/databases/detail.xhtml?id=").append(escape(id)).append("\">")
                    .append(escape(name)).append("</a>");
        }
        out.append(" <span class=\"badge badge-").append(escape(status)).append("\">").append(escape(status)).append("</span>");
        if (top && deletedParent != null) {
            out.append(" <span class=\"muted small\">branch of ").append(escape(deletedParent)).append(" (deleted)</span>");
        }
        if (!top && branchPoint != null) {
            out.append(" <span class=\"muted small\">branched at ").append(MOMENT.format(branchPoint)).append("</span>");
        }
        if (!children.isEmpty()) {
            out.append("<ul>");
            for (BranchNode c : children) {
                c.item(out, contextPath, false);
            }
            out.append("</ul>");
        }
        out.append("</li>");
    }

    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
