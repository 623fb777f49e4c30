package technique

// The tagger sees a few tokens around each word; many PTC spans are whole
// clauses whose technique shows in words anywhere in the sentence. A
// sentence classifier (binary logistic regression: does the sentence hold a
// propaganda span?) supplies that context: its probability, bucketed, is a
// feature of every token (stacking). During training the tagger sees
// out-of-fold probabilities, so it learns how far to trust them on unseen
// text.

const (
	hBias uint64 = iota + 200
	hWord
	hBigram
	hBang
	hQuestion
	hQuotes
	hLen
	hStrongNeg
	hStrongPos
	hSubj
	hHeadline
	hCaps
	hRep
	hWN
	hAlone
	hScare
)

const (
	fSentProb uint64 = iota + 300
	fSentProbPos
	fDocProb
	fSentProbW0Pol
	_ // fNeighbourProb: the neighbour sentences' probabilities, tried (SI F1 0.393), dropped
)

func (p *prepared) sentFeatures(buf []uint64, s *sent) []uint64 {
	buf = append(buf, mix(hBias, 0))
	prev := startWord
	neg, pos, subj, caps, rep := 0, 0, 0, 0, 0
	scare := false
	for i := s.first; i < s.end; i++ {
		t := &p.toks[i]
		buf = append(buf, mix(hWord, t.word), mix(hBigram, mix(prev, t.word)))
		prev = t.word
		if t.pol <= -2 {
			neg++
		}
		if t.pol >= 2 {
			pos++
		}
		if t.subj == 2 {
			subj++
		}
		if t.caps == 2 && len(t.lower) > 1 {
			caps++
		}
		if t.bigramRep {
			rep++
		}
		if t.wn != 0 {
			// WordNet class with polarity: a person noun next to negative
			// words is the Name_Calling pattern
			buf = append(buf, mix(hWN, mix(uint64(t.wn), uint64(t.pol+3))))
		}
		if t.scare == 1 {
			scare = true
		}
	}
	buf = append(buf,
		mix(hLen, bucket(s.end-s.first, 5, 10, 20, 35, 60)),
		mix(hStrongNeg, bucket(neg, 0, 1, 2, 4)),
		mix(hStrongPos, bucket(pos, 0, 1, 2, 4)),
		mix(hSubj, bucket(subj, 0, 1, 2, 4)),
		mix(hQuotes, bucket(s.quotes, 0, 1, 2, 4)),
		mix(hCaps, bucket(caps, 0, 1, 3)),
		mix(hRep, bucket(rep, 0, 1, 3)),
	)
	if s.bang {
		buf = append(buf, mix(hBang, 1))
	}
	if s.question {
		buf = append(buf, mix(hQuestion, 1))
	}
	if s.index == 0 {
		buf = append(buf, mix(hHeadline, 1))
	}
	if s.alone && s.index > 0 {
		b := uint64(0)
		if s.bang {
			b = 1
		}
		buf = append(buf, mix(hAlone, mix(b, bucket(s.end-s.first, 5, 10, 15, 25))))
	}
	if scare {
		buf = append(buf, mix(hScare, 1))
	}
	return buf
}

// setSentProbs fills p.sentProb and p.docProb from the sentence model.
func (p *prepared) setSentProbs(sm *tcModel) {
	p.sentProb = make([]float32, len(p.sents))
	var buf []uint64
	pr := make([]float64, 2)
	sum := 0.0
	for i := range p.sents {
		buf = p.sentFeatures(buf[:0], &p.sents[i])
		sm.probs(buf, pr)
		p.sentProb[i] = float32(pr[1])
		sum += pr[1]
	}
	if len(p.sents) > 0 {
		p.docProb = float32(sum / float64(len(p.sents)))
	}
}

// sentExamples are the sentence classifier's training examples of p, given
// the gold BIO tags.
func sentExamples(p *prepared, tags []uint8) []tcExample {
	var out []tcExample
	for i := range p.sents {
		s := &p.sents[i]
		y := 0
		for j := s.first; j < s.end; j++ {
			if tags[j] != tagO {
				y = 1
				break
			}
		}
		out = append(out, tcExample{feats: p.sentFeatures(nil, s), label: y})
	}
	return out
}

var sentLabels = []string{"none", "propaganda"}

func trainSent(ex []tcExample, bits uint, seed int64) *tcModel {
	return trainTC(ex, sentLabels, bits, 8, 1e-5, 0.05, seed)
}
