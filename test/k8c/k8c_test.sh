#!/usr/bin/env bash
# k8c_test.sh - k8c, the command line, against a real k8c-apiserver, side by side with
# Debian's kubectl: every verb of issue 7 runs with both and their outputs (stdout and
# stderr, exit status) and the objects they leave behind must be the same, byte for
# byte, after masking what differs by nature (namespace names nsa/nsb, ages, uids,
# timestamps, the program name in usage hints). Where k8c deliberately does better
# (a bad document no longer hides the ones after it), k8c's own output is checked.
# Also: start-up cost, and `k8c get pods` over 1,000 pods.
#
#   k8c_test.sh APISERVER_BINARY K8C_BINARY
#
# Here the statuses a kubelet or a controller would write are written by the suite
# itself (fixtures.py); k8c_e2e.sh runs rollouts the real controller manager drives.
# Logs of pods that really run, and describe with the kubelet's events: k8c_logs.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../hack/lib.sh"
source "$here/../lib/checks.sh"
source "$here/lib.sh"

k8c_bin=$2
k8c_suite_start "$1"

# same_ro_aged NS ARGS...: same_ro for tables whose last column is an age that ticks
# row by row (objects created over several seconds).
same_ro_aged() {
  local ns=$1; shift
  run_both "$ns" "$ns" "$@"
  A=$(ages <<<"$A"); B=$(ages <<<"$B")
  [ "$A" = "$B" ] || _fail "k8c $* differs from kubectl:"$'\n'"$(diff <(echo "$A") <(echo "$B") | head -20)"
}

# objects_same TYPE NAME: what kubectl left in nsa equals what k8c left in nsb.
objects_same() {
  local a b
  a=$(k8 -n nsa get "$1" "$2" -o json 2>&1 | mask)
  b=$(k8 -n nsb get "$1" "$2" -o json 2>&1 | mask)
  [ "$a" = "$b" ] || _fail "$1/$2 differs:"$'\n'"$(diff <(echo "$a") <(echo "$b"))"
}

for ns in nsa nsb nsc nsr; do kc create ns "$ns" >/dev/null; done
fixture cluster nsr || exit 1

case_begin startup
if ldd "$k8c_bin" | grep -q libcurl; then _fail "k8c links libcurl at start-up"; fi
t0=$(date +%s%N)
for _ in $(seq 50); do "$k8c_bin" version --client >/dev/null; done
t1=$(date +%s%N)
for _ in $(seq 50); do /bin/true; done
t2=$(date +%s%N)
echo "    start-up: k8c version --client $(( (t1 - t0) / 50000 ))us per run, /bin/true $(( (t2 - t1) / 50000 ))us"
check "[ $(( (t1 - t0) / 50000000 )) -lt 100 ]" "k8c starts in well under 100 ms"

case_begin apply_created_configured_unchanged
manifest k8c.local/busybox:1 yes >web.yaml
same_rw apply -f web.yaml
check_eq "$(k8 -n nsb apply -f web.yaml 2>&1 | head -1)" "deployment.apps/web unchanged" "re-apply is unchanged"
manifest k8c.local/busybox:2 no >web.yaml
sed -i 's/b: "2"/c: "3"/' web.yaml
same_rw apply -f web.yaml
same_rw apply -f web.yaml
objects_same deploy web
objects_same svc web
objects_same cm conf
check_eq "$(k8 -n nsb get deploy web -o jsonpath='{.spec.template.spec.containers[0].env[*].name}')" \
  A "the env var removed from the manifest is gone"
check_eq "$(k8 -n nsb get cm conf -o jsonpath='{.data}')" '{"a":"1","c":"3"}' "configmap keys follow the manifest"
mkdir -p tree/sub
manifest k8c.local/busybox:2 no | sed 's/name: web/name: tree1/; s/name: conf/name: conf1/' >tree/a.yaml
sed 's/tree1/tree2/; s/conf1/conf2/' tree/a.yaml >tree/sub/b.yml
echo "not: a manifest" >tree/readme.txt
same_rw apply -f tree
same_rw apply -R -f tree
A=$(kc -n nsa apply -f - <web.yaml 2>&1; echo "rc=$?")
B=$(k8 -n nsb apply -f - <web.yaml 2>&1; echo "rc=$?")
check_eq "$B" "$A" "apply -f - (stdin) prints like kubectl"
same_rw apply -f web.yaml -o name
same_rw apply -f nope.yaml
sed 's/^  name: web$/  name: web\n  namespace: other/' web.yaml >other.yaml
same_rw apply -f other.yaml

case_begin apply_bad_input_reports_every_document
cat >bad.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: good1}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: broken
 data: x: y
---
apiVersion: v1
kind: Frobnicator
metadata: {name: what}
---
apiVersion: v1
kind: ConfigMap
metadata: {labels: {a: b}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: badtype}
spec:
  replicas: "two"
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
metadata: {name: nokind}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: good2}
YAML
k8 -n nsc apply -f bad.yaml >out.txt 2>err.txt; rc=$?
check "[ $rc -ne 0 ]" "non-zero exit"
check_eq "$(cat out.txt)" $'configmap/good1 created\nconfigmap/good2 created' "the good documents are applied"
check_eq "$(cat err.txt)" \
'bad.yaml: document 2 (line 5): yaml: line 9: did not find expected key
bad.yaml: document 3 (line 11): unable to recognize: no matches for kind "Frobnicator" in version "v1"
bad.yaml: document 4 (line 15): resource name may not be empty
Error from server (BadRequest): error when creating "bad.yaml": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32
bad.yaml: document 6 (line 29): kind not set' "one clear line per bad document, file, document and line named"
check_eq "$(k8 -n nsc get cm good1 good2 -o name 2>&1)" $'configmap/good1\nconfigmap/good2' "both good documents exist"
check_eq "$(k8 -n nsc get deploy badtype 2>&1)" 'Error from server (NotFound): deployments.apps "badtype" not found' "the bad one does not"
k8 -n nsc create -f bad.yaml >out.txt 2>err.txt; rc=$?
check "[ $rc -ne 0 ]" "create: non-zero exit"
check_eq "$(grep -c . err.txt)" 7 "create: every bad or already existing document reported once"
printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j1"}}\n{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j2"},"data":{"a":1}}\n' >two.json
k8 -n nsc apply -f two.json >out.txt 2>err.txt
check_eq "$(cat out.txt)" "configmap/j1 created" "a JSON stream: the good object is applied"
check_match "$(cat err.txt)" '^Error from server \(BadRequest\): error when creating "two.json": ' "a JSON stream: the bad field type named"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: [1\n' >one.yaml
check_eq "$(k8 -n nsc apply -f one.yaml 2>&1)" \
  "error: one.yaml: document 1 (line 1): yaml: line 5: did not find expected ',' or ']'" "a single bad document: one error line"

case_begin get_tables_and_formats
for args in "pods" "pods -o wide" "deploy" "deploy -o wide" "rs" "rs -o wide" "svc" "svc -o wide" \
  "nodes" "nodes -o wide" "ev" "ev -o wide" "cm" "ep" "secrets" "lease -A" "ns" "all" "pods,deploy,svc" \
  "po/d1-2222-aaaaa deploy/d1" "pods --show-labels" "pods -l app=web,pod-template-hash=2222" \
  "pods -l app=nope" "pods -A" "deploy -A -o wide" "pods -o name" "all -o name" "pods -o json" \
  "pods d1-2222-aaaaa -o yaml" "deploy d1 -o json" "svc,deploy -o yaml" "nodes --no-headers" \
  "pods -L app -L pod-template-hash" "pods --field-selector=spec.nodeName=n1" "pods nope" \
  "pods d1-2222-aaaaa nope" "frobs" "pods --ignore-not-found nope" "nodes n1 -o wide --show-kind"; do
  same_ro nsr get $args
done
same_ro nsr get deploy d1 -o 'jsonpath={.spec.replicas} {.metadata.labels.app}'
same_ro nsr get pods -o 'jsonpath={range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}'
same_ro nsr get nodes -o 'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}'
same_ro nsr get deploy -o 'jsonpath={.items[*].spec.template.spec.containers[*].image}'
same_ro nsr get pods -f "$work/web.yaml"
same_ro nsr get -f web.yaml -o name

case_begin describe
for args in "pod d1-2222-aaaaa" "pod d1-2222-bbbbb" "deploy d1" "rs" "rs d1-1111" "svc s1" "node n1" \
  "pods d1" "cm c1" "secret s1" "ns nsr" "deploy nope" "lease -A" "deploy -l app=web" "nodes"; do
  same_ro nsr describe $args
done
same_ro nsr describe pod d1-2222-aaaaa --show-events=false

case_begin get_watch
# background runs call the binaries directly, so that $! is their own pid
"$kubectl_bin" --server "$server" -n nsr get deploy d1 -w >wa.txt 2>&1 &
pa=$!
"$k8c_bin" --server "$server" -n nsr get deploy d1 -w >wb.txt 2>&1 &
pb=$!
"$kubectl_bin" --server "$server" -n nsr get pods -w >pa.txt 2>&1 &
qa=$!
"$k8c_bin" --server "$server" -n nsr get pods -w >pb.txt 2>&1 &
qb=$!
pids+=("$pa" "$pb" "$qa" "$qb")
wait_for 20 "both deployment watches to print the object" sh -c "[ \$(grep -c d1 wa.txt) -ge 1 ] && [ \$(grep -c d1 wb.txt) -ge 1 ]"
wait_for 20 "both pod watches to print the pods" sh -c "[ \$(grep -c 2222 pa.txt) -ge 2 ] && [ \$(grep -c 2222 pb.txt) -ge 2 ]"
fixture status /apis/apps/v1/namespaces/nsr/deployments/d1 '{"readyReplicas":2,"availableReplicas":2,"unavailableReplicas":0}'
fixture status /api/v1/namespaces/nsr/pods/d1-2222-bbbbb '{"phase":"Failed","reason":"Evicted"}'
wait_for 20 "both deployment watches to see the change" sh -c "grep -q '2/2' wa.txt && grep -q '2/2' wb.txt"
wait_for 20 "both pod watches to see the change" sh -c "grep -q Evicted pa.txt && grep -q Evicted pb.txt"
kill "$pa" "$pb" "$qa" "$qb" 2>/dev/null
wait "$pa" "$pb" "$qa" "$qb" 2>/dev/null
check_eq "$(ages <wb.txt)" "$(ages <wa.txt)" "get -w of one object prints like kubectl"
check_eq "$(ages <pb.txt)" "$(ages <pa.txt)" "get -w of a collection prints like kubectl"
check_match "$(cat wb.txt)" '^d1 +2/2 +2 +2 +' "the watched row lines up under the header"

case_begin scale_label_annotate_set_image_expose
for c in "scale deploy web --replicas=3" "scale deploy web" "scale deploy web --replicas=-1" \
  "scale deploy web --replicas=2 --current-replicas=5" "scale deploy/web --replicas=1 --current-replicas=3" \
  "scale svc web --replicas=2" "scale deploy nope --replicas=2" "scale --replicas=4 -f web.yaml" \
  "label deploy web tier=fe" "label deploy web tier=be" "label deploy web tier=be --overwrite" \
  "label deploy web tier=be --overwrite" "label deploy web tier-" "label deploy web tier-" "label deploy web" \
  "label deploy --all x=1" "label svc,deploy -l app=web y=2" "label -f web.yaml z=3" \
  "annotate deploy web a=b" "annotate deploy web a=c" "annotate deploy web a=c --overwrite" \
  "annotate deploy web a-" "annotate deploy web a-" "annotate svc web -o name n=1" \
  "set image deploy/web web=k8c.local/busybox:3" "set image deploy/web web=k8c.local/busybox:3" \
  "set image deploy/web nope=x:1" "set image deploy/web *=k8c.local/busybox:4" "set image deploy web web=x:1" \
  "expose deploy web --port=8080 --name=web2" "expose deploy web" "expose deploy web --name=web3" \
  "expose svc web2 --name=web4 --port=90 --target-port=http" "expose deploy web --name=web5 --type=NodePort --port=81"; do
  same_rw $c
done
for o in "deploy web" "svc web2" "svc web3" "svc web4" "svc web5" "cm conf"; do objects_same $o; done

case_begin rollout
fixture revisions nsa web && fixture revisions nsb web
for c in "rollout history deploy/web" "rollout history deploy web --revision=1" \
  "rollout history deploy web --revision=7" "rollout history svc/web" "rollout undo deploy/web --to-revision=1" \
  "rollout history deploy/web" "rollout undo deploy/web --to-revision=9" "rollout undo deploy/web --to-revision=1" \
  "rollout undo deploy/web" "rollout pause deploy/web" "rollout pause deploy/web" "rollout undo deploy/web" \
  "rollout restart deploy/web" "rollout resume deploy/web" "rollout resume deploy/web" "rollout restart deploy/web"; do
  same_rw $c
done
objects_same deploy web
check_match "$(k8 -n nsb get deploy web -o jsonpath='{.spec.template.metadata.annotations}')" \
  'kubectl.kubernetes.io/restartedAt' "restart stamps the pod template"
for ns in nsa nsb; do
  kc -n $ns scale deploy web --replicas=1 >/dev/null
  gen=$(kc -n $ns get deploy web -o jsonpath='{.metadata.generation}')
  fixture status /apis/apps/v1/namespaces/$ns/deployments/web \
    "{\"observedGeneration\":$gen,\"replicas\":3,\"updatedReplicas\":1,\"availableReplicas\":1}"
done
same_rw rollout status deploy/web --watch=false
same_rw rollout status deploy/web --timeout=1s
fixture status /apis/apps/v1/namespaces/nsb/deployments/web '{"replicas":2,"updatedReplicas":0,"availableReplicas":0}'
"$k8c_bin" --server "$server" -n nsb rollout status deploy/web >status.txt 2>&1 &
ps=$!
pids+=("$ps")
wait_for 20 "the first progress line" grep -q 'new replicas have been updated' status.txt
fixture status /apis/apps/v1/namespaces/nsb/deployments/web '{"updatedReplicas":1,"replicas":2}'
wait_for 20 "the old-replicas line" grep -q 'old replicas are pending termination' status.txt
fixture status /apis/apps/v1/namespaces/nsb/deployments/web '{"updatedReplicas":1,"replicas":1,"availableReplicas":0}'
wait_for 20 "the availability line" grep -q 'updated replicas are available' status.txt
fixture status /apis/apps/v1/namespaces/nsb/deployments/web '{"availableReplicas":1}'
wait "$ps"; rc=$?
check_eq "$rc" 0 "rollout status ends with success"
check_eq "$(cat status.txt)" 'Waiting for deployment "web" rollout to finish: 0 out of 1 new replicas have been updated...
Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...
Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...
deployment "web" successfully rolled out' "rollout status prints kubectl's progress lines"

case_begin delete_cascades
for ns in nsa nsb; do
  for n in c1 c2 c3 c4 c5 c6; do kc -n $ns create cm $n >/dev/null; done
  kc -n $ns label cm c2 c3 x=y >/dev/null
done
for c in "delete cm c1" "delete cm nope" "delete cm nope --ignore-not-found" "delete cm -l x=y" \
  "delete cm -l x=nope" "delete cm" "delete" "delete cm c4 --grace-period=0 --force" "delete cm/c5 -o name" \
  "delete cm c6 --cascade=foo" "delete cm c6 --cascade=background --now" "delete svc web2 web3 --cascade=orphan --wait=false" \
  "get svc web2 -o jsonpath={.metadata.finalizers}"; do
  same_rw $c
done
for ns in nsa nsb; do fixture unfinalize /api/v1/namespaces/$ns/services/web2; fixture unfinalize /api/v1/namespaces/$ns/services/web3; done
for mode in foreground orphan; do
  "$kubectl_bin" --server "$server" -n nsa delete svc web4 web5 --cascade=$mode >da.txt 2>&1 &
  da=$!
  "$k8c_bin" --server "$server" -n nsb delete svc web4 web5 --cascade=$mode >db.txt 2>&1 &
  db=$!
  pids+=("$da" "$db")
  fin=$([ $mode = foreground ] && echo foregroundDeletion || echo orphan)
  for ns in nsa nsb; do
    wait_for 20 "$mode deletion to mark web5 in $ns" sh -c "'$k8c_bin' --server $server -n $ns get svc web5 -o jsonpath='{.metadata.finalizers}' | grep -q $fin"
  done
  check "kill -0 $db 2>/dev/null" "k8c delete --cascade=$mode waits while the finalizer is there"
  for ns in nsa nsb; do
    for s in web4 web5; do fixture unfinalize /api/v1/namespaces/$ns/services/$s; done
  done
  wait "$da"; ra=$?
  wait "$db"; rb=$?
  check_eq "$rb" "$ra" "delete --cascade=$mode exits like kubectl once the objects are gone"
  check_eq "$(mask <db.txt)" "$(mask <da.txt)" "delete --cascade=$mode prints like kubectl"
  check_eq "$(k8 -n nsb get svc web4 web5 -o name --ignore-not-found 2>&1)" "" "both are gone"
  if [ $mode = foreground ]; then
    for ns in nsa nsb; do kc -n $ns create svc clusterip web4 --tcp=80 >/dev/null; kc -n $ns create svc clusterip web5 --tcp=80 >/dev/null; done
  fi
done
same_rw delete -f web.yaml
same_rw get deploy,svc,cm -o name

case_begin wait_for
manifest k8c.local/busybox:1 no >w.yaml
for ns in nsa nsb; do
  kc -n $ns apply -f w.yaml >/dev/null
  fixture status /apis/apps/v1/namespaces/$ns/deployments/web \
    '{"observedGeneration":1,"conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"}]}'
done
for c in "wait deploy/web --for=condition=Available" "wait deploy/web --for=condition=available=true" \
  "wait deploy/web --for=condition=Progressing --timeout=1s" "wait deploy/web --for=bogus" "wait deploy/web" \
  "wait deploy/nope --for=delete" "wait deploy/nope --for=condition=x" "wait deploy -l app=nope --for=delete" \
  "wait deploy --all --for=condition=Available=True --timeout=2s" "wait cm/conf --for=delete --timeout=1s"; do
  same_rw $c
done
"$kubectl_bin" --server "$server" -n nsa wait cm/conf --for=delete --timeout=20s >da.txt 2>&1 &
da=$!
"$k8c_bin" --server "$server" -n nsb wait cm/conf --for=delete --timeout=20s >db.txt 2>&1 &
db=$!
pids+=("$da" "$db")
sleep 0.5 # both are watching (their output would be wrong, not late, if not)
kc -n nsa delete cm conf >/dev/null; kc -n nsb delete cm conf >/dev/null
wait "$da"; ra=$?
wait "$db"; rb=$?
check_eq "$rb/$(cat db.txt)" "$ra/$(cat da.txt)" "wait --for=delete returns like kubectl when the object goes"

case_begin logs_errors
for args in "d1-2222-aaaaa" "nope" "deploy/d1" "d1-2222-aaaaa -c nope" "d1-2222-aaaaa -c web --tail=5 -f" \
  "d1-2222-bbbbb" "svc/s1" "" "rs/d1-2222 --timestamps --previous" "-l app=web --tail=1"; do
  same_ro nsr logs $args
done

case_begin errors_like_kubectl
same_ro nsr get deploy nope
same_ro nsr describe deploy nope
same_ro nsr delete deploy nope
same_ro nsr get frobs
out=$(k8 get --frob 2>&1); rc=$?
check_eq "$out" $'Error: unknown flag: --frob\nSee \'k8c get --help\' for usage.' "unknown flag"
check "[ $rc -ne 0 ]" "unknown flag: non-zero exit"
check_eq "$("$k8c_bin" --server http://127.0.0.1:1 get pods 2>&1)" \
  "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?" "refused"
out=$(k8 frob 2>&1); rc=$?
check_eq "$out" $'Error: unknown command "frob" for "k8c"\nRun \'k8c --help\' for usage.' "unknown command"

case_begin discovery_version_cluster_info
for args in "api-resources" "api-resources -o wide" "api-resources --namespaced=false" "api-resources -o name" \
  "api-resources --api-group=apps" "api-resources --verbs=list,watch --sort-by=kind" "api-resources --no-headers" \
  "cluster-info"; do
  same_ro nsr $args
done
check_match "$(k8 version --short)" '^Server Version: v1\.[0-9]+\.[0-9]+-k8c' "version --short names the server"
check_eq "$(k8 version -o json | "$K8C_PYTHON" -c 'import json,sys; print(sorted(json.load(sys.stdin)))')" \
  "['clientVersion', 'serverVersion']" "version -o json"

case_begin config
mkdir -p cfgk cfgc
cat >cfgk/a.yaml <<EOF
apiVersion: v1
kind: Config
clusters:
- name: zeta
  cluster: {server: "https://z:6443", certificate-authority-data: "Zm9v"}
- name: local
  cluster: {server: "$server"}
users:
- name: admin
  user: {token: secret, client-certificate-data: "Zm9v", client-key-data: "YmFy"}
contexts:
- name: prod
  context: {cluster: zeta, user: admin, namespace: kube-system}
- name: dev
  context: {cluster: local, user: admin, namespace: nsr}
current-context: dev
EOF
printf 'apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster: {server: "http://other"}\ncontexts:\n- name: bctx\n  context: {cluster: local}\ncurrent-context: prod\n' >cfgk/b.yaml
cp cfgk/*.yaml cfgc/
cfg_both() { # cfg_both ARGS...: kubectl on cfgk/, k8c on cfgc/; outputs and files compared
  A=$(cd cfgk && KUBECONFIG=a.yaml:b.yaml "$kubectl_bin" "$@" 2>&1; echo "rc=$?")
  B=$(cd cfgc && KUBECONFIG=a.yaml:b.yaml "$k8c_bin" "$@" 2>&1; echo "rc=$?")
  check_eq "$B" "$A" "k8c $* prints like kubectl"
  check "diff -r cfgk cfgc >/dev/null" "k8c $* leaves the same files as kubectl"
}
for c in "config view" "config view --minify" "config view --raw" "config get-contexts" "config get-contexts -o name" \
  "config get-contexts prod" "config get-contexts nope" "config current-context" "get pods -o name" "config use-context prod" \
  "config use-context nope" "config set-context newctx --cluster=local --namespace=nsa" "config set-context newctx --user=admin" \
  "config set-context --current --namespace=x" "config set-context" "config view -o jsonpath={.contexts[*].name}" \
  "config use-context dev" "--context=prod config view --minify" "get deploy -o name" "-n nsb get deploy -o name" \
  "--kubeconfig=b.yaml config use-context bctx"; do
  cfg_both $c
done

case_begin get_pods_1000
kc create ns big >/dev/null
fixture pods big 1000 || _fail "creating 1000 pods"
best=999999
for _ in 1 2 3; do
  t0=$(date +%s%N)
  "$k8c_bin" --server "$server" -n big get pods >big.txt 2>&1
  t=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$t" -lt "$best" ] && best=$t
done
t0=$(date +%s%N)
kc -n big get pods >/dev/null 2>&1
tk=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "    k8c get pods, 1000 pods: best of 3 ${best} ms (kubectl: ${tk} ms)"
check_eq "$(grep -c ' Pending ' big.txt)" 1000 "every pod listed"
check "[ $best -lt 1000 ]" "k8c get pods over 1000 pods in well under a second"
same_ro_aged big get pods
same_ro big get pods -l i=3 -o name

case_end
finish_cases
