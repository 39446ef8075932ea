package io.streamrec.store;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;

/**
 * An in-process S3-compatible server for tests (S3Proxy over jclouds' in-memory blob store) with one bucket, and
 * Flink's file systems pointed at it through the same {@code s3.*} keys a cluster's config.yaml uses. Why S3Proxy:
 * it is on Maven Central, kept up, and runs without Docker, which this machine lacks.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS = "streamrec-access";
    public static final String SECRET = "streamrec-secret-key";

    private final BlobStoreContext blobs;
    private final S3Proxy proxy;

    private S3TestServer(BlobStoreContext blobs, S3Proxy proxy) {
        this.blobs = blobs;
        this.proxy = proxy;
    }

    /** Starts the server on a free port with {@code bucket}, and initializes Flink's file systems for it. */
    public static S3TestServer start(String bucket) throws Exception {
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, bucket);
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        for (int i = 0; i < 500 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(10);
        }
        if (!"STARTED".equals(proxy.getState())) {
            throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        S3TestServer server = new S3TestServer(blobs, proxy);
        FileSystem.initialize(server.flinkConfiguration(), null);
        return server;
    }

    /** The {@code s3.*} settings that reach this server. */
    public Configuration flinkConfiguration() {
        Configuration conf = new Configuration();
        conf.setString("s3.endpoint", "http://127.0.0.1:" + proxy.getPort());
        conf.setString("s3.path.style.access", "true");
        conf.setString("s3.access-key", ACCESS);
        conf.setString("s3.secret-key", SECRET);
        return conf;
    }

    @Override
    public void close() throws Exception {
        FileSystem.initialize(new Configuration(), null);
        proxy.stop();
        blobs.close();
    }
}
