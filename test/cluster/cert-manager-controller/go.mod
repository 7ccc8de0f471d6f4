// crosscluster's cert-manager controller for the real-control-plane test tier. scripts/build-cert-manager.sh
// copies this module into the tools cache, completes it with `go mod tidy` and builds it there.
module crosscluster.local/cert-manager-controller

go 1.26.0

require (
	github.com/cert-manager/cert-manager v1.21.2
	k8s.io/klog/v2 v2.140.0
)
