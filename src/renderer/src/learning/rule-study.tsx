import type { RuleSummary } from '../../../shared/contract/knowledge-commands.ts';
import { StudyView } from './study-view.tsx';
import { VideoStudyView } from './video-study-view.tsx';

/** The study view a rule's citation calls for: the cited page of a document, or the cited moment of a video. */
export function RuleStudy({ rule, onClose }: { readonly rule: RuleSummary; readonly onClose: () => void }) {
  if (rule.citation.page === null && rule.citation.timestamp !== null) {
    return <VideoStudyView key={rule.id} rule={rule} onClose={onClose} />;
  }
  return <StudyView key={rule.id} rule={rule} onClose={onClose} />;
}
