// ecs-mock dashboard: polls /_ecs_mock/ui/data and draws it. Every value goes in as text
// (textContent), never as markup: names and reasons come from clients.
"use strict";

const POLL_MS = 1000;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function lastPart(arn) {
  return String(arn || "").split("/").pop();
}

function resource(list, name) {
  const found = (list || []).find((r) => r.name === name);
  if (!found) return null;
  if (found.type === "STRINGSET") return found.stringSetValue || [];
  return found.integerValue ?? found.doubleValue ?? found.longValue ?? 0;
}

function bar(used, total, unit) {
  const share = total > 0 ? Math.min(100, (100 * used) / total) : 0;
  const fill = el("span");
  fill.style.width = share.toFixed(1) + "%";
  return el("div", { class: "bar", title: `${used} of ${total} ${unit} used` }, fill,
    el("em", {}, `${used} / ${total} ${unit}`));
}

function statusCell(status) {
  return el("span", { class: "status status-" + status }, status);
}

function when(seconds, now) {
  if (seconds === undefined || seconds === null) return null;
  const ago = Math.max(0, now - seconds);
  return ago < 1 ? "now" : `${ago.toFixed(ago < 10 ? 1 : 0)} s ago`;
}

function timeline(task, now) {
  const steps = [
    ["created", task.createdAt], ["pull started", task.pullStartedAt],
    ["started", task.startedAt], ["stopping", task.stoppingAt],
    ["stopped", task.stoppedAt],
  ];
  const parts = steps.filter(([, at]) => at !== undefined).map(([name, at]) => `${name} ${when(at, now)}`);
  return el("span", { class: "timeline" }, parts.join(" → "));
}

function instancesTable(instances) {
  const body = el("tbody");
  for (const instance of instances) {
    const registered = instance.registeredResources;
    const remaining = instance.remainingResources;
    const cpu = resource(registered, "CPU") || 0;
    const memory = resource(registered, "MEMORY") || 0;
    const ports = [...(resource(remaining, "PORTS") || []), ...(resource(remaining, "PORTS_UDP") || [])];
    const attrs = Object.fromEntries((instance.attributes || []).map((a) => [a.name, a.value]));
    body.append(el("tr", { "data-instance": lastPart(instance.containerInstanceArn) },
      el("td", {}, lastPart(instance.containerInstanceArn), el("br"),
        el("span", { class: "muted" }, instance.ec2InstanceId)),
      el("td", {}, attrs["ecs.instance-type"] || "", el("br"),
        el("span", { class: "muted" }, attrs["ecs.availability-zone"] || "")),
      el("td", {}, statusCell(instance.status), instance.agentConnected ? "" : " (agent disconnected)"),
      el("td", {}, bar(cpu - (resource(remaining, "CPU") || 0), cpu, "CPU units")),
      el("td", {}, bar(memory - (resource(remaining, "MEMORY") || 0), memory, "MiB")),
      el("td", {}, ports.length ? ports.join(", ") : el("span", { class: "muted" }, "none")),
      el("td", {}, `${instance.runningTasksCount} running, ${instance.pendingTasksCount} pending`)));
  }
  return el("table", { class: "instances" },
    el("thead", {}, el("tr", {}, ...["instance", "type / zone", "status", "CPU", "memory",
      "ports in use", "tasks"].map((h) => el("th", {}, h)))), body);
}

function tasksTable(tasks, now) {
  const order = ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING",
    "DEPROVISIONING", "STOPPED"];
  const sorted = [...tasks].sort((a, b) =>
    order.indexOf(a.lastStatus) - order.indexOf(b.lastStatus) || b.createdAt - a.createdAt);
  const body = el("tbody");
  for (const task of sorted) {
    const outcome = task.stopCode ? `${task.stopCode}: ${task.stoppedReason || ""}` : "";
    body.append(el("tr", { "data-task": lastPart(task.taskArn) },
      el("td", {}, lastPart(task.taskArn)),
      el("td", {}, lastPart(task.taskDefinitionArn)),
      el("td", {}, task.launchType || task.capacityProviderName || ""),
      el("td", {}, statusCell(task.lastStatus), task.desiredStatus !== task.lastStatus
        ? el("span", { class: "muted" }, ` → ${task.desiredStatus}`) : null),
      el("td", {}, task.group || "", task.startedBy ? el("div", { class: "muted" }, task.startedBy) : null),
      el("td", {}, timeline(task, now)),
      el("td", { class: outcome ? "error" : "" }, outcome)));
  }
  return el("table", { class: "tasks" },
    el("thead", {}, el("tr", {}, ...["task", "definition", "launch", "status", "group / startedBy",
      "timeline", "stopped because"].map((h) => el("th", {}, h)))), body);
}

function servicesTable(services) {
  const body = el("tbody");
  for (const service of services) {
    const deployments = (service.deployments || []).map((d) =>
      el("div", {}, `${d.status} ${lastPart(d.taskDefinition)} `,
        el("span", { class: "muted" }, `${d.runningCount}/${d.desiredCount} running, ${d.rolloutState || ""}`)));
    body.append(el("tr", { "data-service": service.serviceName },
      el("td", {}, service.serviceName),
      el("td", {}, statusCell(service.status)),
      el("td", {}, `${service.runningCount} running, ${service.pendingCount} pending of ${service.desiredCount}`),
      el("td", {}, ...deployments)));
  }
  return el("table", { class: "services" },
    el("thead", {}, el("tr", {}, ...["service", "status", "tasks", "deployments"]
      .map((h) => el("th", {}, h)))), body);
}

function drawRegions(data) {
  const target = document.getElementById("regions");
  const parts = [];
  for (const region of data.regions) {
    for (const cluster of region.clusters) {
      const card = el("div", { class: "cluster", "data-cluster": cluster.clusterName },
        el("h2", {}, cluster.clusterName, " ", statusCell(cluster.status),
          el("span", { class: "muted" }, ` ${region.accountId} / ${region.region}`)),
        el("h3", {}, `Container instances (${cluster.containerInstances.length})`),
        cluster.containerInstances.length ? instancesTable(cluster.containerInstances)
          : el("p", { class: "muted" }, "none"));
      if (cluster.services) {
        card.append(el("h3", {}, `Services (${cluster.services.length})`),
          cluster.services.length ? servicesTable(cluster.services) : el("p", { class: "muted" }, "none"));
      }
      const counts = {};
      for (const task of cluster.tasks) counts[task.lastStatus] = (counts[task.lastStatus] || 0) + 1;
      const summary = Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(", ") || "none";
      card.append(el("h3", {}, "Tasks ", el("span", { class: "muted" }, summary +
        (cluster.tasksNotShown ? ` (and ${cluster.tasksNotShown} older not shown)` : ""))));
      if (cluster.tasks.length) card.append(tasksTable(cluster.tasks, data.now));
      parts.push(card);
    }
  }
  if (!parts.length) parts.push(el("p", { class: "muted" }, "No clusters."));
  target.replaceChildren(...parts);
}

function drawCalls(data) {
  const body = document.querySelector("#calls tbody");
  body.replaceChildren(...data.calls.map((call) => el("tr", {},
    el("td", {}, call.operation),
    el("td", { class: "muted" }, `${call.accountId} / ${call.region}`),
    el("td", { class: call.error ? "error" : "" }, call.error || (call.status ?? "ok")))));
  document.getElementById("received").textContent = `(${data.received} received)`;
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const answer = await fetch("/_ecs_mock/ui/data", { cache: "no-store", credentials: "same-origin" });
    if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
    const data = await answer.json();
    drawRegions(data);
    drawCalls(data);
    status.textContent = "updated " + new Date().toLocaleTimeString();
    document.body.dataset.loaded = "true";
  } catch (error) {
    status.textContent = "cannot reach the server: " + error.message;
  }
}

function loop() {
  if (document.getElementById("live").checked && !document.hidden) refresh();
  setTimeout(loop, POLL_MS);
}

refresh().then(() => setTimeout(loop, POLL_MS));
