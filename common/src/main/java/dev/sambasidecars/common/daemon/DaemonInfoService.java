package dev.sambasidecars.common.daemon;

import dev.sambasidecars.common.api.v1.DaemonGrpc;
import dev.sambasidecars.common.api.v1.DaemonInfo;
import dev.sambasidecars.common.api.v1.GetInfoRequest;
import dev.sambasidecars.common.api.v1.Setting;
import dev.sambasidecars.common.cli.VersionProvider;
import dev.sambasidecars.common.config.SidecarConfig;
import io.grpc.stub.StreamObserver;

/** Answers {@code sidecar.common.v1.Daemon/GetInfo} for one daemon. */
final class DaemonInfoService extends DaemonGrpc.DaemonImplBase {
    private final DaemonInfo info;

    DaemonInfoService(String module, SidecarConfig config, String metricsUrl, long startedMillis) {
        DaemonInfo.Builder b = DaemonInfo.newBuilder()
                .setModule(module)
                .setVersion(VersionProvider.version())
                .setPid(ProcessHandle.current().pid())
                .setStartedUnixMs(startedMillis)
                .setSmbConf(config.smbConf() == null ? "" : config.smbConf().toString())
                .setMetricsUrl(metricsUrl);
        for (SidecarConfig.Setting s : config.all()) {
            b.addSettings(Setting.newBuilder().setKey(s.key()).setValue(s.text()).setOrigin(s.origin().toString()));
        }
        this.info = b.build();
    }

    @Override
    public void getInfo(GetInfoRequest request, StreamObserver<DaemonInfo> response) {
        response.onNext(info);
        response.onCompleted();
    }
}
