package dev.strata.provisioning.secrets;

import dev.strata.domain.database.ConnectionInfo;
import dev.strata.domain.database.Database;
import dev.strata.domain.event.EventData;
import dev.strata.domain.event.EventType;
import dev.strata.domain.project.Project;
import dev.strata.domain.shared.NotFoundException;
import dev.strata.domain.shared.Shown;
import dev.strata.provisioning.auth.Caller;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.event.EventLog;
import dev.strata.provisioning.project.EnvVar;
import dev.strata.provisioning.project.Projects;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

/**
 * A secret handed to a person on request (the dashboard's Reveal and Copy), and the {@code secret.revealed} event
 * that says so, in one transaction: a secret is never handed out unrecorded. The event names the resource, the field
 * and who asked, never the value.
 */
@Stateless
public class SecretReveals {

    /** The connection fields of a database that carry its password. */
    public enum DatabaseField {
        PASSWORD("password"), URI("uri"), TLS_URI("tlsUri");

        private final String wireName;

        DatabaseField(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** The field of a wire name; 404 (as an unknown thing to reveal) otherwise. */
        public static DatabaseField parse(String name) {
            for (DatabaseField f : values()) {
                if (f.wireName.equals(name)) {
                    return f;
                }
            }
            throw new NotFoundException("secret", Shown.text(name));
        }
    }

    /** How the secret left: shown on the page or put on the clipboard. */
    public enum Action {
        REVEAL("reveal"), COPY("copy");

        private final String wireName;

        Action(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    @Inject
    Databases databases;

    @Inject
    Projects projects;

    @Inject
    EventLog events;

    /** {@code field} of the database {@code dbId} of workspace {@code wsId}; 404 for a database the caller cannot see. */
    public String databaseSecret(Caller caller, String wsId, String dbId, DatabaseField field, Action action, String user) {
        Database db = databases.get(caller, wsId, dbId);
        ConnectionInfo c = databases.connection(caller, wsId, dbId);
        String value = switch (field) {
            case PASSWORD -> c.password();
            case URI -> c.uri();
            case TLS_URI -> c.tlsUri();
        };
        if (value == null) {
            throw new NotFoundException("secret", field.wireName());
        }
        events.record(EventType.SECRET_REVEALED, db.workspaceId(), db.projectId(), db.id(), null,
                "The " + field.wireName() + " of database " + db.name() + " was " + (action == Action.COPY ? "copied" : "revealed")
                        + " by " + user,
                EventData.builder().put("resourceId", db.id()).put("field", field.wireName()).put("action", action.wireName())
                        .put("user", user).build());
        return value;
    }

    /** The managed variable {@code name} of the caller's project {@code projectId}; 404 for an unknown one. */
    public String projectVariable(Caller caller, String projectId, String name, Action action, String user) {
        Project p = projects.get(caller, projectId);
        String value = projects.environment(caller, projectId).stream().filter(v -> v.name().equals(name)).map(EnvVar::value)
                .findFirst().orElseThrow(() -> new NotFoundException("environment variable", Shown.text(name)));
        events.record(EventType.SECRET_REVEALED, p.workspaceId(), p.id(), null, null,
                "The variable " + name + " of project " + p.name() + " was " + (action == Action.COPY ? "copied" : "revealed")
                        + " by " + user,
                EventData.builder().put("resourceId", p.id()).put("field", name).put("action", action.wireName())
                        .put("user", user).build());
        return value;
    }
}
