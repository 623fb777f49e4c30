package portrayal

import (
	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/text"
)

// SentenceTarget builds a Target from a bare sentence and byte spans, as the
// NewsMTSC and PerSenT data give them: the sentence is tokenised with the
// text layer and quote membership is read from quotation marks.
func SentenceTarget(sentence string, span document.Span, others []document.Span) Target {
	return Target{Sentence: sentence, Tokens: text.Tokenize(sentence), Span: span, Others: others,
		InQuote: inQuoteMarks(sentence, span.Start)}
}
