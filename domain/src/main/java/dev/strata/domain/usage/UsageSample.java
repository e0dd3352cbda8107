package dev.strata.domain.usage;

import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One figure at one moment ({@code createdAt}): the value of {@link #metric()} of a database, project or workspace
 * ({@link #subjectId()}) from then until the next sample of the same subject and metric. Never changed afterwards.
 */
@Entity
@Table(name = "strata_usage_sample", indexes = {
        @Index(name = "ix_usage_subject", columnList = "subject_id, metric, created_at"),
        @Index(name = "ix_usage_time", columnList = "created_at")})
public class UsageSample extends WorkspaceOwned {

    public static final String ID_PREFIX = "smp";

    @Column(name = "subject_id", nullable = false, length = 40)
    private String subjectId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 40)
    private UsageMetric metric;

    @Column(name = "sample_value", nullable = false)
    private long value;

    protected UsageSample() {
    }

    public static UsageSample of(String workspaceId, String subjectId, UsageMetric metric, long value, Instant at) {
        UsageSample s = new UsageSample();
        s.identify(ID_PREFIX, workspaceId, at);
        s.subjectId = subjectId;
        s.metric = metric;
        s.value = value;
        return s;
    }

    public String subjectId() { return subjectId; }
    public UsageMetric metric() { return metric; }
    public long value() { return value; }
    public Instant at() { return createdAt(); }
}
