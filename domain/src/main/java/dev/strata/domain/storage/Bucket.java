package dev.strata.domain.storage;

import dev.strata.domain.shared.Ids;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import jakarta.persistence.Version;
import java.time.Instant;

/** An S3 bucket of a project; its name is unique within the project. */
@Entity
@Table(name = "strata_bucket", uniqueConstraints = @UniqueConstraint(name = "uq_bucket_name", columnNames = {"project_id", "name"}))
public class Bucket {

    public static final String ID_PREFIX = "bkt";

    @Id
    @Column(length = 40)
    private String id;

    @Version
    private long version;

    @Column(name = "workspace_id", nullable = false, length = 40)
    private String workspaceId;

    @Column(name = "project_id", nullable = false, length = 40)
    private String projectId;

    @Column(nullable = false, length = 63)
    private String name;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Bucket() {
    }

    public static Bucket create(String workspaceId, String projectId, BucketName name, Instant now) {
        Bucket b = new Bucket();
        b.id = Ids.next(ID_PREFIX);
        b.workspaceId = workspaceId;
        b.projectId = projectId;
        b.name = name.value();
        b.createdAt = now;
        return b;
    }

    public String id() { return id; }
    public String workspaceId() { return workspaceId; }
    public String projectId() { return projectId; }
    public BucketName name() { return new BucketName(name); }
    public Instant createdAt() { return createdAt; }
}
