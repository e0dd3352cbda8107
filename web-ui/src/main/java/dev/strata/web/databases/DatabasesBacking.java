package dev.strata.web.databases;

import dev.strata.domain.database.DatabasePage;
import dev.strata.domain.shared.DomainException;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.database.ListRequest;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** Backs {@code databases/index.xhtml}: the same paging, filters and search as the API. */
@Named("databaseList")
@ViewScoped
public class DatabasesBacking implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int PAGE_SIZE = 10;

    @Inject
    transient Databases databases;

    @Inject
    transient CurrentUser user;

    private int page = 1;
    private String engine = "";
    private String status = "";
    private String search = "";
    private transient DatabasePage current;

    public DatabasePage getCurrent() {
        if (current == null) {
            try {
                current = databases.list(user.caller(), user.getWorkspaceId(),
                        new ListRequest(null, Integer.toString(page), Integer.toString(PAGE_SIZE), engine, status, search));
            } catch (DomainException e) {
                Messages.show(e, Map.of("search", "filters:search"));
                current = new DatabasePage(List.of(), 0, 1, PAGE_SIZE);
            }
        }
        return current;
    }

    public void filter() {
        page = 1;
        current = null;
    }

    public void next() {
        if (page < getCurrent().totalPages()) {
            page++;
            current = null;
        }
    }

    public void previous() {
        if (page > 1) {
            page--;
            current = null;
        }
    }

    public List<String> getStatuses() {
        return List.of("provisioning", "ready", "updating", "sleeping", "error", "deleting");
    }

    public int getPage() { return page; }
    public String getEngine() { return engine; }
    public void setEngine(String engine) { this.engine = engine == null ? "" : engine; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status == null ? "" : status; }
    public String getSearch() { return search; }
    public void setSearch(String search) { this.search = search == null ? "" : search; }
}
