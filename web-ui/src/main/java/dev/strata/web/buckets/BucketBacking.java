package dev.strata.web.buckets;

import dev.strata.domain.project.Project;
import dev.strata.domain.shared.DomainException;
import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.NotFoundException;
import dev.strata.domain.storage.Bucket;
import dev.strata.domain.storage.StorageUsage;
import dev.strata.provisioning.project.Projects;
import dev.strata.provisioning.storage.BucketObjects;
import dev.strata.provisioning.storage.Buckets;
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
 * Backs {@code buckets/detail.xhtml?id=bkt_…&prefix=&token=}: a bucket's usage, endpoint and region, one page of its
 * objects with a presigned download link each, and how to reach it from code. Everything is in the address: a page
 * of the listing can be bookmarked (its links are made afresh at each visit). An unknown or foreign id shows "not
 * found"; a bad prefix or token a message and the first page.
 */
@Named("bucket")
@RequestScoped
public class BucketBacking {

    @Inject
    Buckets buckets;

    @Inject
    BucketObjects objects;

    @Inject
    Projects projects;

    @Inject
    CurrentUser user;

    private String id;
    private String prefix = "";
    private String token = "";
    private Bucket bucket;
    private boolean gone;
    private BucketObjects.ObjectPage page;
    private String listingProblem;
    private StorageUsage usage;

    /** Called by f:viewAction once the view parameters are set. */
    public void load() {
        try {
            bucket = buckets.get(user.caller(), id == null ? "" : id);
        } catch (NotFoundException e) {
            gone = true;
            return;
        }
        for (int attempt = 0; attempt < 3 && page == null && listingProblem == null; attempt++) {
            try {
                page = objects.list(user.caller(), bucket.id(), prefix, token);
            } catch (DomainException e) {
                boolean dropped = false;
                for (FieldError err : e.errors()) {
                    if ("token".equals(err.field()) && !token.isEmpty()) {
                        warn(err.message().substring(0, 1).toUpperCase() + err.message().substring(1));
                        token = "";
                        dropped = true;
                    } else if ("prefix".equals(err.field()) && !prefix.isEmpty()) {
                        warn("Filter ignored: " + err.message());
                        prefix = "";
                        dropped = true;
                    }
                }
                if (!dropped) {
                    listingProblem = "The objects cannot be listed: " + e.getMessage();
                }
            }
        }
    }

    private static void warn(String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_WARN, text, null));
    }

    public Bucket getBucket() {
        return bucket;
    }

    public boolean isGone() {
        return gone;
    }

    public String getProjectName() {
        try {
            return projects.get(user.caller(), bucket.projectId()).name();
        } catch (NotFoundException e) {
            return bucket.projectId();
        }
    }

    public StorageUsage getUsage() {
        if (usage == null) {
            usage = buckets.usage(bucket);
        }
        return usage;
    }

    public String getEndpoint() {
        return buckets.endpoint();
    }

    public String getRegion() {
        return buckets.region();
    }

    public List<BucketObjects.StoredObject> getObjects() {
        return page == null ? List.of() : page.objects();
    }

    public String getListingProblem() {
        return listingProblem;
    }

    public boolean isFirstPage() {
        return token.isEmpty();
    }

    public boolean isHasNext() {
        return page != null && page.nextToken() != null;
    }

    /** The next page of the listing: the same filter and the token S3 gave. */
    public String getNextUrl() {
        return url(page.nextToken());
    }

    public String getFirstUrl() {
        return url(null);
    }

    private String url(String nextToken) {
        StringBuilder q = new StringBuilder(FacesContext.getCurrentInstance().getExternalContext().getRequestContextPath())
                .append("/buckets/detail.xhtml?id=").append(enc(bucket.id()));
        if (!prefix.isEmpty()) {
            q.append("&prefix=").append(enc(prefix));
        }
        if (nextToken != null) {
            q.append("&token=").append(enc(nextToken));
        }
        return q.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public long getLinkMinutes() {
        return BucketObjects.LINK_LIFETIME.toMinutes();
    }

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getPrefix() { return prefix; }
    public void setPrefix(String prefix) { this.prefix = prefix == null ? "" : prefix; }
    public String getToken() { return token; }
    public void setToken(String token) { this.token = token == null ? "" : token; }
}
