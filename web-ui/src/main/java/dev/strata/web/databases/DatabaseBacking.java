package dev.strata.web.databases;

import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Database;
import dev.strata.domain.shared.DomainException;
import dev.strata.domain.shared.NotFoundException;
import dev.strata.provisioning.database.DatabaseChanges;
import dev.strata.provisioning.database.Databases;
import dev.strata.web.Messages;
import dev.strata.web.security.CurrentUser;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.Map;

/** Backs {@code databases/detail.xhtml}: live status, connection details, resize, sleep/wake, delete. */
@Named("database")
@ViewScoped
public class DatabaseBacking implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Map<String, String> FIELDS = Map.of("cpu", "resize:cpu", "memory", "resize:memory",
            "storageGb", "resize:storageGb", "name", "resize:name");

    @Inject
    transient Databases databases;

    @Inject
    transient CurrentUser user;

    @Inject
    transient dev.strata.provisioning.tls.CaCertificates caCertificates;

    @Inject
    transient dev.strata.provisioning.event.EventLog events;

    @Inject
    transient dev.strata.provisioning.project.Projects projects;

    private String id;
    private transient Database db;
    private boolean gone;
    private String cpu;
    private String memory;
    private Integer storageGb;

    /** Called by f:viewAction on the first request. */
    public void load() {
        refresh();
        if (db != null) {
            cpu = db.cpu().value();
            memory = db.memory().value();
            storageGb = db.storage().gb();
        }
    }

    public void refresh() {
        try {
            db = databases.get(user.caller(), user.getWorkspaceId(), id);
            gone = false;
        } catch (NotFoundException e) {
            db = null;
            gone = true;
        }
    }

    public Database getDb() {
        if (db == null && !gone) {
            refresh();
        }
        return db;
    }

    /** The database's latest events, newest first (empty when it is gone). */
    public java.util.List<dev.strata.web.events.ActivityRow> getActivity() {
        return getDb() == null ? java.util.List.of()
                : events.recent(user.caller(), id, 10).stream().map(dev.strata.web.events.ActivityRow::of).toList();
    }

    public ConnectionInfo getConnection() {
        return getDb() == null ? null : databases.connection(user.caller(), user.getWorkspaceId(), id);
    }

    public String getMaskedUri() {
        ConnectionInfo c = getConnection();
        return c == null ? "" : c.uri().replace(c.password(), "••••••••");
    }

    /** The rediss:// URI of a server with a TLS port of its own, password masked; empty elsewhere. */
    public String getMaskedTlsUri() {
        ConnectionInfo c = getConnection();
        return c == null || c.tlsUri() == null ? "" : c.tlsUri().replace(c.password(), "••••••••");
    }

    /** Whether the dashboard offers the CA certificate that verifies the servers ({@code /ca.pem}). */
    public boolean isCaAvailable() {
        return caCertificates.available();
    }

    /** Resize, sleep and wake redirect to this page (post-redirect-get): a reload repeats nothing. */
    private String self() {
        Messages.keepForRedirect();
        return "/databases/detail.xhtml?faces-redirect=true&id=" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
    }

    public String resize() {
        try {
            db = databases.update(user.caller(), user.getWorkspaceId(), id, new DatabaseChanges(null, cpu, memory, storageGb));
            Messages.info("Resizing: the server restarts with the new settings");
            return self();
        } catch (DomainException e) {
            Messages.show(e, FIELDS);
            refresh();
            return null;
        }
    }

    public String sleep() {
        try {
            db = databases.sleep(user.caller(), user.getWorkspaceId(), id);
            Messages.info("The database is going to sleep: its server stops, its data is kept");
            return self();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    public String wake() {
        try {
            db = databases.wake(user.caller(), user.getWorkspaceId(), id);
            Messages.info("The database is waking up");
            return self();
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    /** The name of the database's project (its id when the project cannot be read). */
    public String getProjectName() {
        Database d = getDb();
        if (d == null || d.projectId() == null) {
            return "";
        }
        try {
            return projects.get(user.caller(), d.projectId()).name();
        } catch (NotFoundException e) {
            return d.projectId();
        }
    }

    public String delete() {
        try {
            databases.delete(user.caller(), user.getWorkspaceId(), id);
            Messages.info("Database is being deleted");
            Messages.keepForRedirect();
            return "/databases/index.xhtml?faces-redirect=true";
        } catch (DomainException e) {
            Messages.show(e, Map.of());
            return null;
        }
    }

    public boolean isGone() { return gone; }
    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getCpu() { return cpu; }
    public void setCpu(String cpu) { this.cpu = cpu; }
    public String getMemory() { return memory; }
    public void setMemory(String memory) { this.memory = memory; }
    public Integer getStorageGb() { return storageGb; }
    public void setStorageGb(Integer storageGb) { this.storageGb = storageGb; }
}
