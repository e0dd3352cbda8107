package dev.strata.web.databases;

import dev.strata.domain.database.DatabasePage;
import dev.strata.domain.shared.DomainException;
import dev.strata.domain.shared.FieldError;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.database.ListRequest;
import dev.strata.web.security.CurrentUser;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Backs {@code databases/index.xhtml}: the same paging, filters and search as the API, all in the address
 * ({@code ?page=&engine=&status=&search=}, and {@code limit=} for another page size than 10), so a view can be
 * bookmarked and a reload shows the same page. A value the list refuses (page=abc, engine=foo, a page past the end)
 * is named in a message and left out; never an error page.
 */
@Named("databaseList")
@RequestScoped
public class DatabasesBacking {

    static final int PAGE_SIZE = 10;

    @Inject
    Databases databases;

    @Inject
    CurrentUser user;

    private String page = "";
    private String limit = "";
    private String engine = "";
    private String status = "";
    private String search = "";
    private DatabasePage current;

    /** Called by f:viewAction once the view parameters are set: reads the page, dropping what the list refuses. */
    public void load() {
        for (int attempt = 0; attempt < 5 && current == null; attempt++) {
            try {
                current = databases.list(user.caller(), user.getWorkspaceId(),
                        new ListRequest(null, page, limit.isEmpty() ? Integer.toString(PAGE_SIZE) : limit, engine, status, search));
            } catch (DomainException e) {
                boolean dropped = false;
                for (FieldError err : e.errors()) {
                    dropped |= drop(err);
                }
                if (!dropped) {
                    warn(e.getMessage());
                    current = new DatabasePage(List.of(), 0, 1, PAGE_SIZE);
                }
            }
        }
        if (current == null) {
            current = new DatabasePage(List.of(), 0, 1, PAGE_SIZE);
        }
        int last = Math.max(1, current.totalPages());
        if (current.page() > last) {
            warn("Page " + current.page() + " is past the last page (" + last + "); showing page " + last);
            page = Integer.toString(last);
            current = databases.list(user.caller(), user.getWorkspaceId(),
                    new ListRequest(null, page, limit.isEmpty() ? Integer.toString(PAGE_SIZE) : limit, engine, status, search));
        }
    }

    private boolean drop(FieldError err) {
        switch (err.field()) {
            case "page" -> {
                warn("Page " + shown(page) + " is not a page number (1 or more); showing page 1");
                page = "";
            }
            case "engine" -> {
                warn("Engine " + shown(engine) + " is not one Strata knows; showing all engines");
                engine = "";
            }
            case "status" -> {
                warn("Status " + shown(status) + " is not a database status; showing all statuses");
                status = "";
            }
            case "limit" -> {
                warn("Page size " + shown(limit) + " must be a whole number from 1 to 100; showing " + PAGE_SIZE + " a page");
                limit = "";
            }
            case "search" -> {
                warn("Search ignored: " + err.message());
                search = "";
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static String shown(String raw) {
        String s = raw.length() > 40 ? raw.substring(0, 40) + "…" : raw;
        return "\u201c" + s + "\u201d";
    }

    private static void warn(String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_WARN, text, null));
    }

    public DatabasePage getCurrent() {
        if (current == null) {
            load();
        }
        return current;
    }

    /** The page shown (1 when none or a bad one was asked for). */
    public int getPageNumber() {
        return getCurrent().page();
    }

    public int getTotalPages() {
        return Math.max(1, getCurrent().totalPages());
    }

    public boolean isHasPrevious() {
        return getPageNumber() > 1;
    }

    public boolean isHasNext() {
        return getPageNumber() < getCurrent().totalPages();
    }

    public String getPreviousUrl() {
        return url(getPageNumber() - 1);
    }

    public String getNextUrl() {
        return url(getPageNumber() + 1);
    }

    /** This view at another page: the same filters, in the address. */
    private String url(int to) {
        StringBuilder q = new StringBuilder("?page=").append(to);
        param(q, "limit", limit);
        param(q, "engine", engine);
        param(q, "status", status);
        param(q, "search", search);
        return FacesContext.getCurrentInstance().getExternalContext().getRequestContextPath() + "/databases/index.xhtml" + q;
    }

    private static void param(StringBuilder q, String name, String value) {
        if (value != null && !value.isEmpty()) {
            q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    public List<String> getStatuses() {
        return List.of("provisioning", "ready", "updating", "sleeping", "error", "deleting");
    }

    public String getPage() { return page; }
    public void setPage(String page) { this.page = page == null ? "" : page.trim(); }
    public String getLimit() { return limit; }
    public void setLimit(String limit) { this.limit = limit == null ? "" : limit.trim(); }
    public String getEngine() { return engine; }
    public void setEngine(String engine) { this.engine = engine == null ? "" : engine.trim(); }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status == null ? "" : status.trim(); }
    public String getSearch() { return search; }
    public void setSearch(String search) { this.search = search == null ? "" : search; }
}
