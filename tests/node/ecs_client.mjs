// Drives an ecs_mock server with the AWS SDK for JavaScript v3 and prints what it saw as JSON.
// Usage: node ecs_client.mjs <endpoint-url>   (tests/test_node_sdk.py asserts on the output)
import {
  ECSClient,
  ListContainerInstancesCommand,
  StartTaskCommand,
  DescribeTasksCommand,
  ClusterNotFoundException,
} from "@aws-sdk/client-ecs";

const endpoint = process.argv[2];
const client = new ECSClient({
  endpoint,
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIANODESDKTEST00000", secretAccessKey: "node-secret" },
  maxAttempts: 1,
});

const out = {};
const instances = await client.send(new ListContainerInstancesCommand({ cluster: "default" }));
out.instanceCount = instances.containerInstanceArns.length;
const started = await client.send(
  new StartTaskCommand({
    cluster: "default",
    taskDefinition: "example",
    containerInstances: [instances.containerInstanceArns[0]],
    startedBy: "node-sdk",
  }),
);
out.task = {
  taskArn: started.tasks[0].taskArn,
  lastStatus: started.tasks[0].lastStatus,
  startedBy: started.tasks[0].startedBy,
  createdAtIsDate: started.tasks[0].createdAt instanceof Date,
  containers: started.tasks[0].containers.map((c) => c.name),
};
out.failures = started.failures;
try {
  await client.send(new DescribeTasksCommand({ cluster: "no-such-cluster", tasks: ["x"] }));
  out.error = null;
} catch (error) {
  out.error = {
    name: error.name,
    message: error.message,
    modeled: error instanceof ClusterNotFoundException,
    status: error.$metadata.httpStatusCode,
    requestId: error.$metadata.requestId ?? null,
  };
}
console.log(JSON.stringify(out));
