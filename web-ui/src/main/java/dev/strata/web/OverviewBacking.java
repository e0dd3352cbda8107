package dev.strata.web;

import dev.strata.domain.database.EngineOffer;
import dev.strata.provisioning.database.Databases;
import dev.strata.provisioning.project.Projects;
import dev.strata.web.security.CurrentUser;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;

/** Backs {@code index.xhtml}: the workspace at a glance. */
@Named("overview")
@RequestScoped
public class OverviewBacking {

    @Inject
    Databases databases;

    @Inject
    Projects projects;

    @Inject
    CurrentUser user;

    @Inject
    dev.strata.provisioning.event.EventLog events;

    private Databases.Summary summary;

    @PostConstruct
    void load() {
        summary = databases.summary(user.caller());
    }

    public Map<String, Long> getByStatus() { return summary.byStatus(); }
    public Map<String, Long> getByEngine() { return summary.byEngine(); }
    /** The workspace's latest events, newest first. */
    public List<dev.strata.web.events.ActivityRow> getRecent() {
        return events.recent(user.caller(), null, 12).stream().map(dev.strata.web.events.ActivityRow::of).toList();
    }
    public long getTotal() { return summary.byStatus().values().stream().mapToLong(Long::longValue).sum(); }
    public int getProjectCount() { return projects.list(user.caller()).size(); }
    public List<EngineOffer> getEngines() { return databases.offers(); }
}
