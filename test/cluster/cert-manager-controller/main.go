// Command cert-manager-controller is crosscluster's own build of the cert-manager controller for the
// real-control-plane test tier (`npm run test:cluster`). The module proxy serves the cert-manager root
// module (its public pkg/... packages) but not the nested module of cmd/controller, so the upstream
// binary cannot be built from it; this small main wires the same public packages together instead.
//
// It runs exactly the control loops a CA- or SelfSigned-backed Certificate needs, against one API
// server given by --kubeconfig:
//
//	issuers                                 Issuer readiness (CA and SelfSigned issuer types only)
//	certificaterequests-approver            auto-approval of every CertificateRequest
//	certificaterequests-issuer-ca           signs approved requests with a CA Issuer's key pair
//	certificaterequests-issuer-selfsigned   signs approved requests for SelfSigned Issuers
//	certificates-trigger, -key-manager, -request-manager, -issuing, -readiness, -revision-manager
//	                                        the Certificate lifecycle (issuance, renewal, rotation)
//
// Not here: ClusterIssuers, ACME (and every DNS-01 provider), Vault, Venafi, the ingress/gateway shims,
// CertificateSigningRequests, the webhook and the cainjector. Leader election is off (one instance
// per API server); the metrics and health servers are off unless asked for, and then bind loopback only.
//
// Once every informer cache has synced it prints the line "cert-manager-controller: ready" to stderr,
// which the test harness waits for. SIGTERM or SIGINT stops it cleanly.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"k8s.io/klog/v2"

	"github.com/cert-manager/cert-manager/pkg/controller"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	utilfeature "github.com/cert-manager/cert-manager/pkg/util/feature"

	// Each import registers its control loop with controller.Known() (or its issuer type with the
	// issuer factory); main runs only the loops named in runControllers.
	crapprover "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	crca "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	crselfsigned "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	"github.com/cert-manager/cert-manager/pkg/controller/issuers"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

// ReadyLine is printed to stderr once the informer caches have synced.
const ReadyLine = "cert-manager-controller: ready"

// runControllers are the control loops this binary runs, by their upstream names.
var runControllers = []string{
	issuers.ControllerName,
	crapprover.ControllerName,
	crca.CRControllerName,
	crselfsigned.CRControllerName,
	trigger.ControllerName,
	keymanager.ControllerName,
	requestmanager.ControllerName,
	issuing.ControllerName,
	readiness.ControllerName,
	revisionmanager.ControllerName,
}

type options struct {
	kubeconfig               string
	master                   string
	namespace                string
	clusterResourceNamespace string
	qps                      float64
	burst                    int
	workers                  int
	minBackoff               time.Duration
	maxBackoff               time.Duration
	ownerRef                 bool
	copiedAnnotationPrefixes string
	featureGates             string
	metricsAddress           string
	healthzAddress           string
	syncTimeout              time.Duration
}

func parseFlags() *options {
	o := &options{}
	fs := flag.CommandLine
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "path to the kubeconfig of the one API server to manage (required)")
	fs.StringVar(&o.master, "master", "", "API server address, overriding the kubeconfig's")
	fs.StringVar(&o.namespace, "namespace", "", "watch only this namespace (default: all namespaces); Issuers are namespaced either way")
	fs.StringVar(&o.clusterResourceNamespace, "cluster-resource-namespace", "kube-system", "namespace for resources of cluster-scoped issuers (unused: no ClusterIssuer controller runs)")
	fs.Float64Var(&o.qps, "kube-api-qps", 20, "client-side QPS limit towards the API server (used when API priority and fairness is off)")
	fs.IntVar(&o.burst, "kube-api-burst", 50, "client-side burst towards the API server")
	fs.IntVar(&o.workers, "concurrent-workers", 5, "workers per control loop")
	fs.DurationVar(&o.minBackoff, "certificate-request-minimum-backoff-duration", time.Hour, "first back-off after a failed issuance")
	fs.DurationVar(&o.maxBackoff, "certificate-request-maximum-backoff-duration", 32*time.Hour, "longest back-off after repeated failed issuances")
	fs.BoolVar(&o.ownerRef, "enable-certificate-owner-ref", false, "make each Certificate the owner of its Secret")
	fs.StringVar(&o.copiedAnnotationPrefixes, "copied-annotation-prefixes", "*,-kubectl.kubernetes.io/,-fluxcd.io/,-argocd.argoproj.io/", "annotation prefixes copied from a Certificate to its CertificateRequests")
	fs.StringVar(&o.featureGates, "feature-gates", "", "cert-manager feature gates, key=bool pairs separated by commas")
	fs.StringVar(&o.metricsAddress, "metrics-address", "", "serve Prometheus metrics on this loopback host:port (default: off)")
	fs.StringVar(&o.healthzAddress, "healthz-address", "", "serve /livez and /readyz on this loopback host:port (default: off)")
	fs.DurationVar(&o.syncTimeout, "cache-sync-timeout", 2*time.Minute, "give up when the informer caches have not synced within this time")
	klog.InitFlags(fs) // -v, -vmodule, ...
	flag.Parse()
	return o
}

func main() {
	o := parseFlags()
	logf.InitLogs()
	defer logf.FlushLogs()
	if err := run(o); err != nil {
		logf.Log.Error(err, "cert-manager-controller failed")
		logf.FlushLogs()
		os.Exit(1)
	}
}

func run(o *options) error {
	if o.kubeconfig == "" && o.master == "" {
		return errors.New("--kubeconfig is required")
	}
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flag.Args())
	}
	for _, addr := range []string{o.metricsAddress, o.healthzAddress} {
		if err := requireLoopback(addr); err != nil {
			return err
		}
	}
	if err := setFeatureGates(o.featureGates); err != nil {
		return err
	}

	// SIGTERM/SIGINT cancel the root context; every control loop and informer stops on it.
	rootCtx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	rootCtx, cancel := context.WithCancel(rootCtx)
	defer cancel()
	log := logf.Log.WithName("controller")
	rootCtx = logf.NewContext(rootCtx, log)

	factory, err := controller.NewContextFactory(rootCtx, controller.ContextOptions{
		Kubeconfig:         o.kubeconfig,
		APIServerHost:      o.master,
		KubernetesAPIQPS:   float32(o.qps),
		KubernetesAPIBurst: o.burst,
		Namespace:          o.namespace,
		IssuerOptions: controller.IssuerOptions{
			ClusterResourceNamespace: o.clusterResourceNamespace,
			// No ambient credentials: the only issuers here (CA, SelfSigned) never need any.
		},
		CertificateOptions: controller.CertificateOptions{
			EnableOwnerRef:                           o.ownerRef,
			CopiedAnnotationPrefixes:                 splitList(o.copiedAnnotationPrefixes),
			CertificateRequestMinimumBackoffDuration: o.minBackoff,
			CertificateRequestMaximumBackoffDuration: o.maxBackoff,
		},
		// Gateway API support stays off: no gateway informers, no discovery of its CRDs.
	})
	if err != nil {
		return fmt.Errorf("building the controller context: %w", err)
	}
	// The base context shares the informer factories with every controller's context.
	base, err := factory.Build()
	if err != nil {
		return err
	}

	known := controller.Known()
	var loops sync.WaitGroup
	errs := make(chan error, 32) // every sender sends at most once
	for _, name := range runControllers {
		constructor, ok := known[name]
		if !ok {
			return fmt.Errorf("control loop %q is not registered (registered: %s)", name, strings.Join(sortedKeys(known), ", "))
		}
		loop, err := constructor(factory)
		if err != nil {
			return fmt.Errorf("constructing control loop %q: %w", name, err)
		}
		loops.Add(1)
		go func() {
			defer loops.Done()
			log.V(logf.InfoLevel).Info("starting control loop", "controller", name)
			if err := loop.Run(o.workers, rootCtx); err != nil {
				errs <- fmt.Errorf("control loop %q: %w", name, err)
			}
		}()
	}
	log.Info("enabled controllers", "controllers", runControllers, "namespace", o.namespace)

	var ready atomic.Bool
	servers := startServers(rootCtx, o, base, &ready, errs)

	// Informers are created by the controllers' Register calls above, so the factories start after them.
	base.SharedInformerFactory.Start(rootCtx.Done())
	base.KubeSharedInformerFactory.Start(rootCtx.Done())

	go func() {
		syncCtx, syncCancel := context.WithTimeout(rootCtx, o.syncTimeout)
		defer syncCancel()
		unsynced := notSynced(base.SharedInformerFactory.WaitForCacheSync(syncCtx.Done()))
		unsynced = append(unsynced, notSynced(base.KubeSharedInformerFactory.WaitForCacheSync(syncCtx.Done()))...)
		if rootCtx.Err() != nil {
			return
		}
		if len(unsynced) > 0 {
			errs <- fmt.Errorf("informer caches not synced within %s: %s (are the cert-manager CRDs installed?)", o.syncTimeout, strings.Join(unsynced, ", "))
			return
		}
		ready.Store(true)
		fmt.Fprintln(os.Stderr, ReadyLine)
	}()

	var failure error
	select {
	case <-rootCtx.Done():
		log.Info("shutting down")
	case failure = <-errs:
	}
	cancel()
	for _, s := range servers {
		shutdownCtx, c := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.Shutdown(shutdownCtx)
		c()
	}
	loops.Wait()
	base.SharedInformerFactory.Shutdown()
	base.KubeSharedInformerFactory.Shutdown()
	return failure
}

// startServers starts the optional metrics and health servers (loopback only, checked by the caller).
func startServers(ctx context.Context, o *options, base *controller.Context, ready *atomic.Bool, errs chan<- error) []*http.Server {
	var servers []*http.Server
	serve := func(what, addr string, newServer func(net.Listener) *http.Server) {
		ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
		if err != nil {
			errs <- fmt.Errorf("%s server: %w", what, err)
			return
		}
		server := newServer(ln)
		servers = append(servers, server)
		logf.Log.Info("serving "+what, "address", ln.Addr().String())
		go func() {
			if err := server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- fmt.Errorf("%s server: %w", what, err)
			}
		}()
	}
	if o.metricsAddress != "" {
		base.Metrics.SetupCertificateCollector(base.SharedInformerFactory.Certmanager().V1().Certificates().Lister())
		base.Metrics.SetupIssuerCollector(base.SharedInformerFactory.Certmanager().V1().Issuers().Lister())
		serve("metrics", o.metricsAddress, base.Metrics.NewServer)
	}
	if o.healthzAddress != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/livez", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
		mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
			if !ready.Load() {
				http.Error(w, "informer caches not synced", http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte("ok"))
		})
		serve("health checks", o.healthzAddress, func(net.Listener) *http.Server {
			return &http.Server{Handler: mux, ReadHeaderTimeout: 30 * time.Second}
		})
	}
	return servers
}

// requireLoopback accepts "" (off) or a host:port whose host is a loopback address or localhost.
func requireLoopback(addr string) error {
	if addr == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("address %q: bad port", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %q: only loopback addresses are allowed", addr)
	}
	return nil
}

func setFeatureGates(spec string) error {
	gates := map[string]bool{}
	for _, pair := range splitList(spec) {
		key, value, ok := strings.Cut(pair, "=")
		if !ok {
			return fmt.Errorf("--feature-gates: %q is not key=bool", pair)
		}
		b, err := strconv.ParseBool(strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("--feature-gates: %q: %w", pair, err)
		}
		gates[strings.TrimSpace(key)] = b
	}
	if len(gates) == 0 {
		return nil
	}
	return utilfeature.DefaultMutableFeatureGate.SetFromMap(gates)
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func notSynced[K comparable](synced map[K]bool) []string {
	var out []string
	for k, ok := range synced {
		if !ok {
			out = append(out, fmt.Sprint(k))
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
