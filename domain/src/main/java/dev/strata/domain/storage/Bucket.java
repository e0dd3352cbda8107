package dev.strata.domain.storage;

import dev.strata.domain.shared.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

/** An S3 bucket of a project; its name is unique within the project. */
@Entity
@Table(name = "strata_bucket", uniqueConstraints = @UniqueConstraint(name = "uq_bucket_name", columnNames = {"project_id", "name"}))
public class Bucket extends WorkspaceOwned {

    public static final String ID_PREFIX = "bkt";

    @Column(name = "project_id", nullable = false, length = 40)
    private String projectId;

    @Column(nullable = false, length = 63)
    private String name;

    /** Set when the bucket's deletion was requested: gone for users, emptied and dropped in the background. */
    @Column(name = "deleting_since")
    private Instant deletingSince;

    protected Bucket() {
    }

    public static Bucket create(String workspaceId, String projectId, BucketName name, Instant now) {
        Bucket b = new Bucket();
        b.identify(ID_PREFIX, workspaceId, now);
        b.projectId = projectId;
        b.name = name.value();
        return b;
    }

    public void requestDeletion(Instant now) {
        if (deletingSince == null) {
            deletingSince = now;
        }
    }

    public boolean deleting() { return deletingSince != null; }
    public String projectId() { return projectId; }
    public BucketName name() { return new BucketName(name); }
}
