/** Names for the generated schema types; nothing here is typed by hand. */
import type { components, paths } from './schema';

type S = components['schemas'];

export type JobSummary = S['JobSummary'];
export type JobRow = S['JobRow'];
export type JobDetail = S['JobDetail'];
export type JobPage = S['JobPage'];
export type JobSummaryPage = S['JobSummaryPage'];
export type JobError = S['JobError'];
export type JobLimit = S['JobLimit'];
export type QueueInfo = S['QueueInfo'];
export type QueueState = QueueInfo['state'];
export type WorkerInfo = S['WorkerInfo'];
export type SessionInfo = S['SessionInfo'];
export type LoginResponse = S['LoginResponse'];
export type Role = S['Role'];
export type Configuration = S['Configuration'];
export type SystemInfo = S['SystemInfo'];
export type PluginInfo = S['PluginInfo'];
export type ListJobsQuery = NonNullable<paths['/api/v1/jobs']['get']['parameters']['query']>;
/** The five job states, as the list's `state` filter names them. */
export type JobState = NonNullable<ListJobsQuery['state']>;
export type JobCounts = S['JobCounts'];
export type ListFailuresQuery = NonNullable<
	paths['/api/v1/failures']['get']['parameters']['query']
>;
export type Searched = S['Searched'];
export type Suggestion = S['Suggestion'];
export type Suggestions = S['Suggestions'];
export type SavedView = S['SavedView'];
