// Tests never leave the machine: every HTTP request to anything but the loopback fails at once (nock),
// so a Web API client that forgot SLACK_API_URL shows up as a failure instead of a call to Slack.
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect((host) => /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)(:\d+)?$/.test(host));
