package io.streamrec.job;

import io.streamrec.model.BundleManifest;
import io.streamrec.ranking.MicroBatch;
import io.streamrec.ranking.ServingModel;
import io.streamrec.store.Variant;
import io.streamrec.store.VariantAssigner;

import java.util.ArrayList;
import java.util.List;

/**
 * The models one ranking operator serves at once, one per A/B variant, each with its own micro-batch (an ONNX call
 * scores one model's events), and the stable hash that sends each user to one of them. Why together: a swap replaces
 * them all at once, prepared off the processing thread by {@link ModelReloader}, so a plan change is atomic for the
 * operator. A user stays with one variant while the plan stands, so the user's interest vector is always in that
 * variant's embedding space; when a plan change moves the user, the next event rebuilds the vector from the user's
 * history with the new variant's embeddings, as any model swap does.
 */
final class ServingVariants implements AutoCloseable {
    /** One variant: its name, the model that serves it, and the events waiting for that model's ONNX call. */
    static final class Arm {
        final String name;
        final ServingModel model;
        final MicroBatch batch;

        Arm(String name, ServingModel model, MicroBatch batch) {
            this.name = name;
            this.model = model;
            this.batch = batch;
        }
    }

    private final Arm[] arms;
    private final VariantAssigner assigner;

    ServingVariants(List<Variant> variants, List<ServingModel> models, int batchSize) {
        arms = new Arm[models.size()];
        for (int i = 0; i < arms.length; i++) {
            arms[i] = new Arm(variants.get(i).name(), models.get(i), new MicroBatch(batchSize));
        }
        assigner = VariantAssigner.of(variants);
    }

    /** The arm that serves {@code userId}. */
    Arm armFor(String userId) {
        return arms.length == 1 ? arms[0] : arms[assigner.assign(userId)];
    }

    Arm arm(int i) {
        return arms[i];
    }

    int size() {
        return arms.length;
    }

    /** The first variant in the plan's order: the one whose manifest sets the shared tables' parameters. */
    Arm first() {
        return arms[0];
    }

    /** The name of the variant serving {@code modelVersion}, or null when none does any more. */
    String variantOf(String modelVersion) {
        for (Arm a : arms) {
            if (a.model.bundle.modelVersion().equals(modelVersion)) {
                return a.name;
            }
        }
        return null;
    }

    /** Every serving model's manifest, in plan order. */
    List<BundleManifest> manifests() {
        List<BundleManifest> out = new ArrayList<>(arms.length);
        for (Arm a : arms) {
            out.add(a.model.bundle.manifest());
        }
        return out;
    }

    /** How many events wait in all the arms' batches. */
    int pending() {
        int n = 0;
        for (Arm a : arms) {
            n += a.batch.pending();
        }
        return n;
    }

    /** The model version of each arm, in arm order (duplicates kept: two variants may serve one version). */
    List<String> versions() {
        List<String> out = new ArrayList<>(arms.length);
        for (Arm a : arms) {
            out.add(a.model.bundle.modelVersion());
        }
        return out;
    }

    /** {@code variant=version} for each arm, or just the version when one bundle serves (the modelVersion gauge). */
    String describe() {
        if (arms.length == 1 && Variant.SINGLE.equals(arms[0].name)) {
            return arms[0].model.bundle.modelVersion();
        }
        StringBuilder sb = new StringBuilder();
        for (Arm a : arms) {
            sb.append(sb.length() == 0 ? "" : ",").append(a.name).append('=').append(a.model.bundle.modelVersion());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Arm a : arms) {
            a.model.close();
        }
    }
}
